package org.outpost.shell.internal;

import java.time.Instant;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.FleetDevices.NodeDevice;

import com.fasterxml.jackson.databind.node.ObjectNode;

@Command(scope = "edge", name = "devices", description = "Lists devices: every node's on the server, this node's on an agent.",
        detailedDescription = "STATUS is Connected, Connecting (not answering yet), Disconnected (driver not installed) or"
                + " Error (the configuration cannot be used; edge:device NAME says why). LAST READING is the age of the last"
                + " good reading.")
@Service
public class DevicesCommand extends DeviceAction {

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Override
    protected void run() throws Exception {
        boolean json = Output.isJson(output);
        List<NodeDevice> devices = fleet != null ? fleet.devices()
                : local().devices().stream().map(d -> new NodeDevice(nodeName(), d)).toList();
        if (json) {
            out().println(Json.write(Json.items(devices.stream().map(DevicesCommand::json).toList())));
            return;
        }
        if (devices.isEmpty()) {
            out().println("No devices found (edge:device-add NAME --driver TYPE ...).");
            return;
        }
        Table table = new Table("NODE", "DEVICE", "DRIVER", "STATUS", "CHANNELS", "LAST READING");
        for (NodeDevice device : devices) {
            DeviceState state = device.state();
            table.row(device.node(), state.name(), state.device().driver(), state.status().name(),
                    String.valueOf(state.device().channels().size()), lastReading(state, now()));
        }
        table.print(out());
    }

    static String lastReading(DeviceState state, Instant now) {
        return state.lastReadingAt() <= 0 ? "never" : Ages.since(Instant.ofEpochMilli(state.lastReadingAt()), now) + " ago";
    }

    static ObjectNode json(NodeDevice device) {
        DeviceState state = device.state();
        ObjectNode o = Json.object();
        o.put("node", device.node());
        o.put("name", state.name());
        o.put("driver", state.device().driver());
        o.put("status", state.status().name());
        o.put("problem", state.problem());
        o.put("channels", state.device().channels().size());
        o.put("lastReadingAt", state.lastReadingAt() <= 0 ? null : Instant.ofEpochMilli(state.lastReadingAt()).toString());
        o.put("readings", state.readings());
        o.put("errors", state.errors());
        return o;
    }
}
