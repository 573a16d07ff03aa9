package org.outpost.shell.internal;

import java.io.Closeable;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.device.Channel;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.FleetDevices.NodeDevice;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryJson;
import org.outpost.api.device.Values;

@Command(scope = "edge", name = "read", description = "Shows a device's latest values with their quality.",
        detailedDescription = "DEVICE is NAME on this node or NODE/NAME on the server. With --follow, prints each new"
                + " reading (and alerts raised on the device) as it arrives, until Ctrl-C.")
@Service
public class ReadCommand extends DeviceAction {

    @Argument(index = 0, name = "device", required = true, description = "NAME, or NODE/NAME on the server")
    String name;

    @Argument(index = 1, name = "ARGS", description = "CHANNEL, and options", multiValued = true)
    List<String> trailing;

    @Option(name = "-f", aliases = "--follow", description = "Print new readings as they arrive, until Ctrl-C")
    boolean follow;

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Override
    protected void run() throws Exception {
        List<String> extra = TrailingOptions.apply(this, trailing);
        if (extra.size() > 1) throw new IllegalArgumentException("unexpected argument " + extra.get(1));
        String channel = extra.isEmpty() ? null : extra.get(0);
        boolean json = Output.isJson(output);
        DeviceSpec.Ref ref = DeviceSpec.Ref.parse(name);
        boolean local = isLocal(ref);
        DeviceState state;
        List<Reading> latest;
        if (local) {
            state = local().device(ref.device());
            if (state == null) throw new OutpostException(ErrorCode.NOT_FOUND, "no device " + ref.device() + " on this node");
            latest = local().latest(ref.device());
        } else {
            NodeDevice found = fleet("edge:read NODE/NAME").device(ref.node(), ref.device());
            if (found == null) throw new OutpostException(ErrorCode.NOT_FOUND, "no device " + ref);
            state = found.state();
            latest = fleet.latest(ref.node(), ref.device());
        }
        if (channel != null) {
            if (state.device().channel(channel) == null && latest.stream().noneMatch(r -> r.channel().equals(channel))) {
                throw new OutpostException(ErrorCode.NOT_FOUND, "device " + ref + " has no channel " + channel);
            }
            latest = latest.stream().filter(r -> r.channel().equals(channel)).toList();
        }
        if (!follow) {
            if (json) {
                out().println(Json.write(Json.items(latest.stream().map(r -> (com.fasterxml.jackson.databind.JsonNode)
                        Json.MAPPER.valueToTree(TelemetryJson.reading(r))).toList())));
            } else {
                printReadings(out(), state.device(), latest, now());
            }
            return;
        }
        java.io.PrintStream live = liveOut();
        if (!json) {
            live.println("Following " + ref + (channel == null ? "" : " " + channel) + " (Ctrl-C stops):");
            live.flush();
        }
        BlockingQueue<Reading> arriving = new LinkedBlockingQueue<>();
        Closeable stream = local ? local().follow(ref.device(), channel, arriving::add)
                : fleet.follow(ref.node(), ref.device(), channel, arriving::add);
        try {
            while (true) {
                Reading reading = arriving.take(); // Ctrl-C interrupts the command thread
                if (json) {
                    live.println(Json.MAPPER.writeValueAsString(TelemetryJson.reading(reading)));
                } else {
                    live.println(line(ref.toString(), state.device(), reading));
                }
                live.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stream.close();
        }
    }

    static void printReadings(PrintStream out, Device device, List<Reading> readings, Instant now) {
        if (readings.isEmpty()) {
            out.println("No readable channels.");
            return;
        }
        Table table = new Table("CHANNEL", "VALUE", "UNIT", "QUALITY", "AGE", "REASON");
        for (Reading reading : readings) {
            Channel channel = device.channel(reading.channel());
            table.row(reading.channel(), reading.quality() == Quality.BAD ? "-" : Values.format(reading.value()),
                    channel == null || channel.unit().isEmpty() ? "-" : channel.unit(), reading.quality().name(),
                    reading.timestamp() <= 0 ? "-" : Ages.since(Instant.ofEpochMilli(reading.timestamp()), now),
                    reading.reason().isEmpty() ? "-" : reading.reason());
        }
        table.print(out);
    }

    static String line(String device, Device spec, Reading reading) {
        Channel channel = spec.channel(reading.channel());
        String unit = channel == null || channel.unit().isEmpty() ? "" : " " + channel.unit();
        String value = reading.quality() == Quality.BAD ? "BAD (" + reading.reason() + ")"
                : Values.format(reading.value()) + unit + (reading.quality() == Quality.GOOD ? "" : " " + reading.quality());
        return Instant.ofEpochMilli(reading.timestamp()) + " " + device + " " + reading.channel() + "=" + value;
    }
}
