package org.outpost.shell.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.device.Channel;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.FleetDevices.NodeDevice;
import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryJson;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

@Command(scope = "edge", name = "device", description = "Shows one device: its driver, status, settings, channels and latest readings.")
@Service
public class DeviceCommand extends DeviceAction {

    @Argument(index = 0, name = "device", required = true, description = "NAME on this node, or NODE/NAME on the server")
    String name;

    @Argument(index = 1, name = "OPTIONS", description = "options may also follow the argument", multiValued = true)
    List<String> trailing;

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Override
    protected void run() throws Exception {
        List<String> extra = TrailingOptions.apply(this, trailing);
        if (!extra.isEmpty()) throw new IllegalArgumentException("unexpected argument " + extra.get(0));
        boolean json = Output.isJson(output);
        DeviceSpec.Ref ref = DeviceSpec.Ref.parse(name);
        NodeDevice device;
        List<Reading> latest;
        if (isLocal(ref)) {
            DeviceState state = local().device(ref.device());
            if (state == null) throw new OutpostException(ErrorCode.NOT_FOUND, "no device " + ref.device() + " on this node");
            device = new NodeDevice(nodeName(), state);
            latest = local().latest(ref.device());
        } else {
            device = fleet("edge:device NODE/NAME").device(ref.node(), ref.device());
            if (device == null) throw new OutpostException(ErrorCode.NOT_FOUND, "no device " + ref);
            latest = fleet.latest(ref.node(), ref.device());
        }
        DeviceState state = device.state();
        if (json) {
            ObjectNode o = DevicesCommand.json(device);
            o.set("settings", Json.MAPPER.valueToTree(new TreeMap<>(state.device().config())));
            o.set("channelSpecs", Json.MAPPER.valueToTree(state.device().channels()));
            ArrayNode readings = o.putArray("latest");
            latest.forEach(r -> readings.add(Json.MAPPER.valueToTree(TelemetryJson.reading(r))));
            out().println(Json.write(o));
            return;
        }
        out().println("Device:    " + device.node() + "/" + state.name());
        out().println("Driver:    " + state.device().driver());
        out().println("Status:    " + state.status() + (state.problem().isEmpty() ? "" : " (" + state.problem() + ")"));
        out().println("Readings:  " + state.readings() + " (" + state.errors() + " bad), last good "
                + DevicesCommand.lastReading(state, now()));
        Map<String, String> settings = new TreeMap<>(state.device().config());
        out().println("Settings:  " + (settings.isEmpty() ? "<none>" : settings.entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getKey().contains("password") ? "***" : e.getValue())).reduce((a, b) -> a + ", " + b).orElse("")));
        out().println();
        Table channels = new Table("CHANNEL", "MODE", "TYPE", "UNIT", "POLL", "DRIVER KEYS");
        for (Channel channel : state.device().channels()) {
            channels.row(channel.name(), channel.mode().name(), channel.valueType().name() + (channel.scaled()
                    ? " (×" + org.outpost.api.device.Values.format(channel.scale()) + (channel.offset() != 0 ? " +"
                            + org.outpost.api.device.Values.format(channel.offset()) : "") + ")" : ""),
                    channel.unit().isEmpty() ? "-" : channel.unit(), channel.listen() ? "listen" : channel.pollMillis() + "ms",
                    channel.driverConfig().isEmpty() ? "-" : channel.driverConfig().toString());
        }
        channels.print(out());
        out().println();
        ReadCommand.printReadings(out(), state.device(), latest, now());
    }
}
