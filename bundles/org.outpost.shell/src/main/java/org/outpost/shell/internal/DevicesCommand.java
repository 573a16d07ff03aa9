package org.outpost.shell.internal;

import java.time.Instant;
import java.util.List;

import org.outpost.api.OutpostException;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
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
        List<NodeDevice> devices = fleet != null ? fleet.devices().stream().map(this::withLatestReading).toList()
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

    /**
     * A node reports its devices every few seconds, while readings reach the server as they are
     * taken: the newest reading the server holds is the device's last reading, as edge:read shows it.
     */
    private NodeDevice withLatestReading(NodeDevice device) {
        long newest = device.state().lastReadingAt();
        try {
            for (Reading reading : fleet.latest(device.node(), device.state().name())) {
                if (reading.quality() == Quality.GOOD) {
                    newest = Math.max(newest, reading.timestamp());
                }
            }
        } catch (OutpostException e) {
            return device; // gone since the list was made
        }
        DeviceState s = device.state();
        return newest == s.lastReadingAt() ? device
                : new NodeDevice(device.node(), new DeviceState(s.device(), s.status(), s.problem(), newest, s.readings(), s.errors()));
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
