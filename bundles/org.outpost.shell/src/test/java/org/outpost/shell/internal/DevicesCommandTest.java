package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.DeviceStatus;
import org.outpost.api.device.FleetDevices;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.ValueType;

class DevicesCommandTest {

    /** The server's view: a device report 9 s old, readings that arrived since. */
    static final class Fleet implements FleetDevices {
        final long reportedReadingAt = Fakes.NOW.minusSeconds(9).toEpochMilli();

        @Override
        public List<NodeDevice> devices() {
            Device device = new Device("sensors", "simulated", Map.of(), List.of());
            return List.of(new NodeDevice("gw-1", new DeviceState(device, DeviceStatus.Connected, "", reportedReadingAt, 90, 0)));
        }

        @Override
        public List<Reading> latest(String node, String device) {
            return List.of(
                    new Reading(device, "temperature", Fakes.NOW.minusSeconds(1).toEpochMilli(), ValueType.DOUBLE, 21.5, Quality.GOOD, null),
                    new Reading(device, "door", Fakes.NOW.toEpochMilli(), ValueType.BOOLEAN, null, Quality.BAD, "no answer"));
        }

        @Override
        public NodeDevice device(String node, String device) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Reading> history(String node, String device, String channel, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Closeable follow(String node, String device, String channel, Consumer<Reading> sink) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Reading write(String node, String device, String channel, String value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<NodeRule> rules() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putRule(NodeRule rule) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean removeRule(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<NodeTelemetry> telemetry() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void lastReadingIsTheNewestGoodReadingTheServerHoldsAsEdgeReadShowsIt() throws Exception {
        DevicesCommand command = new DevicesCommand();
        command.fleet = new Fleet();
        String table = Fakes.capture(command).run();
        assertTrue(table.lines().anyMatch(l -> l.matches("gw-1\\s+sensors\\s+simulated\\s+Connected\\s+0\\s+1s ago")), table);
    }
}
