package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceDriver;

/** Device configurations that would flood the node or its server are refused, naming the figure and the limit. */
class DeviceLimitsTest {

    private static Map<String, Object> properties(String name, int channels, String poll, Map<String, String> settings) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(DeviceConfig.NAME, name);
        properties.put(DeviceConfig.DRIVER_PID, "simulated");
        properties.putAll(settings);
        for (int i = 0; i < channels; i++) {
            properties.put("c" + i + "#+value.type", "DOUBLE");
            properties.put("c" + i + "#+poll.interval", poll);
            properties.put("c" + i + "#signal", "sine");
        }
        return properties;
    }

    private static Device device(String name, int channels, String poll) throws Exception {
        return DeviceConfig.parse(properties(name, channels, poll, Map.of()));
    }

    private static DeviceDriver driver(List<String> keys) {
        return new DeviceDriver() {
            @Override
            public String type() {
                return "simulated";
            }

            @Override
            public String description() {
                return "test";
            }

            @Override
            public List<String> channelArguments() {
                return List.of();
            }

            @Override
            public List<String> deviceKeys() {
                return keys;
            }

            @Override
            public List<String> validate(Device device) {
                return new ArrayList<>();
            }

            @Override
            public DeviceConnection open(Device device) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void aDeviceReadingFasterThanTheLimitIsRefusedWithItsFigure() throws Exception {
        DeviceLimits limits = DeviceLimits.defaults();
        Device flood = device("flood", 1_000, "10ms");
        assertEquals(100_000, DeviceLimits.readsPerSecond(flood), 1e-6);
        List<String> problems = limits.problems(flood, 0);
        assertEquals(2, problems.size(), problems.toString());
        assertEquals("device flood has 1000 channels, above the limit of 256 per device"
                + " (org.outpost.telemetry channelsPerDevice); split it into several devices", problems.get(0));
        assertEquals("device flood would read 100,000 times a second (1000 polled channels, every 10 ms at the shortest),"
                + " above the limit of 200 reads/s per device (org.outpost.telemetry readsPerSecondPerDevice);"
                + " poll less often or split the device", problems.get(1));

        assertTrue(limits.problems(device("ok", 20, "100ms"), 0).isEmpty(), "20 channels every 100 ms: exactly 200 reads/s");
        assertEquals(1, limits.problems(device("over", 21, "100ms"), 0).size(), "one channel more is over");
        assertTrue(limits.problems(device("slow", 256, "2s"), 0).isEmpty());
    }

    @Test
    void channelsThatAreNotPolledDoNotCount() throws Exception {
        Map<String, Object> properties = properties("mixed", 10, "10ms", Map.of());
        for (int i = 0; i < 8; i++) properties.put("c" + i + "#+listen", "true");
        properties.put("c8#+type", "WRITE");
        assertEquals(100, DeviceLimits.readsPerSecond(DeviceConfig.parse(properties)), 1e-6, "only c9 is polled");
    }

    @Test
    void aNodeWithAllItsDevicesTakesNoMore() throws Exception {
        DeviceLimits limits = new DeviceLimits(3, 256, 200);
        assertTrue(limits.problems(device("third", 1, "1s"), 2).isEmpty());
        assertEquals(List.of("this node has 3 devices, the limit (org.outpost.telemetry devicesPerNode = 3); remove one first"),
                limits.problems(device("fourth", 1, "1s"), 3));
    }

    @Test
    void keysTheDriverDoesNotKnowAreRefusedNamingTheKnownOnes() throws Exception {
        Device typo = DeviceConfig.parse(properties("boiler", 1, "1s", Map.of("seed", "1", "sede", "2", "asset.desc", "the boiler")));
        assertEquals(List.of("key sede is unknown to driver simulated (it knows seed)"),
                DeviceLimits.driverProblems(driver(List.of("seed")), typo));
        assertEquals(List.of("keys sede, seed are unknown to driver simulated (it knows no device keys)"),
                DeviceLimits.driverProblems(driver(List.of()), typo));
        assertTrue(DeviceLimits.driverProblems(driver(null), typo).isEmpty(), "a driver that does not say is not checked");
    }

    @Test
    void aConfigurationFromAFileBeyondALimitShowsTheProblemAndReadsNothing() {
        CheckedDevice checked = CheckedDevice.of("org.outpost.device.abc", properties("flood", 100, "10ms", Map.of()),
                name -> null, DeviceLimits.defaults(), name -> 0);
        assertTrue(checked.failure().contains("would read 10,000 times a second"), checked.failure());
        assertTrue(checked.failure().contains("readsPerSecondPerDevice"), checked.failure());
        assertEquals("flood", checked.device().name());
        assertTrue(checked.device().channels().isEmpty(), "nothing of it is read");

        CheckedDevice fine = CheckedDevice.of("org.outpost.device.abc", properties("fine", 2, "1s", Map.of()),
                name -> null, DeviceLimits.defaults(), name -> 0);
        assertNull(fine.failure());
        assertEquals(2, fine.device().channels().size());
    }

    @Test
    void aDeviceTooLargeToShareAReportFrameIsRefusedNamingTheLimit() throws Exception {
        String description = "d".repeat(100 * 1024);
        Device large = DeviceConfig.parse(properties("large", 2, "1s", Map.of("asset.desc", description)));
        assertEquals(List.of("device large takes 101 KiB as JSON, above the limit of 96 KiB per device (every device goes in the"
                + " node's report to its server); shorten its values or split it into several devices"),
                DeviceLimits.defaults().problems(large, 0));
        assertTrue(DeviceLimits.defaults().problems(device("full", 256, "2s"), 0).isEmpty(), "256 channels fit");

        CheckedDevice checked = CheckedDevice.of("org.outpost.device.abc", properties("large", 2, "1s",
                Map.of("asset.desc", description)), name -> null, DeviceLimits.defaults(), name -> 0);
        assertTrue(checked.failure().contains("above the limit of 96 KiB per device"), checked.failure());
        assertTrue(checked.device().config().isEmpty() && checked.device().channels().isEmpty(),
                "what is kept to show the problem is small: " + DeviceLimits.jsonBytes(checked.device()));
    }
}
