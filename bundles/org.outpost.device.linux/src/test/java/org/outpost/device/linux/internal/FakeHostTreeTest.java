package org.outpost.device.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.device.linux.internal.LinuxDevices.device;
import static org.outpost.device.linux.internal.LinuxDevices.read;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceException;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;

/** The driver against a /proc and /sys tree the test writes, for exact values and units. */
class FakeHostTreeTest {

    @TempDir
    Path root;
    private Path proc;
    private Path sys;
    private final LinuxDriver driver = new LinuxDriver();

    @BeforeEach
    void tree() throws IOException {
        proc = Files.createDirectories(root.resolve("proc"));
        sys = Files.createDirectories(root.resolve("sys"));
        write(sys.resolve("class/thermal/thermal_zone0/temp"), "45678\n");
        write(sys.resolve("class/thermal/thermal_zone1/temp"), "-1500\n");
        write(sys.resolve("class/hwmon/hwmon0/name"), "acpitz\n");
        write(sys.resolve("class/hwmon/hwmon0/temp1_input"), "27800\n");
        write(sys.resolve("class/hwmon/hwmon2/name"), "coretemp\n");
        write(sys.resolve("class/hwmon/hwmon2/temp1_input"), "52000\n");
        write(sys.resolve("class/hwmon/hwmon2/temp2_input"), "49500\n");
        write(sys.resolve("class/hwmon/hwmon3/name"), "nct6775\n");
        write(sys.resolve("class/hwmon/hwmon3/fan1_input"), "1234\n");
        write(sys.resolve("class/hwmon/hwmon3/in0_input"), "1200\n");
        write(sys.resolve("class/hwmon/hwmon3/curr1_input"), "500\n");
        write(sys.resolve("class/hwmon/hwmon3/power1_input"), "12500000\n");
        // a second chip with the same name: the lowest hwmonN wins
        write(sys.resolve("class/hwmon/hwmon10/name"), "coretemp\n");
        write(sys.resolve("class/hwmon/hwmon10/temp1_input"), "99000\n");
        write(proc.resolve("loadavg"), "0.52 1.58 2.59 1/345 12345\n");
        write(proc.resolve("uptime"), "350735.47 234388.90\n");
        write(proc.resolve("meminfo"), """
                MemTotal:        8000000 kB
                MemFree:         1000000 kB
                MemAvailable:    2000000 kB
                Buffers:          100000 kB
                HugePages_Total:       0
                """);
        write(proc.resolve("stat"), "cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 100 0 100 800 0 0 0 0 0 0\nintr 1 2 3\n");
    }

    @Test
    void thermalZonesInDegreesCelsius() throws Exception {
        Device device = fake("z0=thermal.thermal_zone0", "z1=thermal.thermal_zone1");
        try (DeviceConnection connection = driver.open(device)) {
            assertEquals(45.678, (Double) read(connection, device, "z0").value(), 1e-12);
            assertEquals(-1.5, (Double) read(connection, device, "z1").value(), 1e-12);
            write(sys.resolve("class/thermal/thermal_zone0/temp"), "46000\n");
            assertEquals(46.0, (Double) read(connection, device, "z0").value(), 1e-12, "every read is fresh");
        }
    }

    @Test
    void hwmonSensorsByChipNameWithTheirUnits() throws Exception {
        Device device = fake("cpu=hwmon.coretemp.temp1", "core2=hwmon.coretemp.temp2", "board=hwmon.acpitz.temp1",
                "fan=hwmon.nct6775.fan1", "fan#+value.type=LONG", "vcore=hwmon.nct6775.in0",
                "amps=hwmon.nct6775.curr1", "watts=hwmon.nct6775.power1");
        try (DeviceConnection connection = driver.open(device)) {
            List<Reading> readings = connection.read(List.of(device.channel("cpu"), device.channel("core2"),
                    device.channel("board"), device.channel("fan"), device.channel("vcore"), device.channel("amps"),
                    device.channel("watts")));
            assertTrue(readings.stream().allMatch(r -> r.quality() == Quality.GOOD), readings.toString());
            assertEquals(52.0, readings.get(0).value(), "°C from millidegrees, first coretemp chip");
            assertEquals(49.5, readings.get(1).value());
            assertEquals(27.8, (Double) readings.get(2).value(), 1e-12);
            assertEquals(1234L, readings.get(3).value(), "fans in rpm");
            assertEquals(1.2, (Double) readings.get(4).value(), 1e-12, "volts from millivolts");
            assertEquals(0.5, (Double) readings.get(5).value(), 1e-12, "amperes from milliamperes");
            assertEquals(12.5, (Double) readings.get(6).value(), 1e-12, "watts from microwatts");
        }
    }

    @Test
    void hwmonChipsAreFoundAgainAfterRenumbering() throws Exception {
        Device device = fake("fan=hwmon.nct6775.fan1");
        try (DeviceConnection connection = driver.open(device)) {
            assertEquals(1234L, read(connection, device, "fan").value());
            Files.move(sys.resolve("class/hwmon/hwmon3"), sys.resolve("class/hwmon/hwmon7"));
            write(sys.resolve("class/hwmon/hwmon7/fan1_input"), "1500\n");
            assertEquals(1500L, read(connection, device, "fan").value());
        }
    }

    @Test
    void missingSensorsAreBadWithTheReason() throws Exception {
        Device device = fake("z3=thermal.thermal_zone3", "chip=hwmon.k10temp.temp1", "sensor=hwmon.coretemp.temp9",
                "z0=thermal.thermal_zone0");
        try (DeviceConnection connection = driver.open(device)) {
            Reading zone = read(connection, device, "z3");
            assertEquals(Quality.BAD, zone.quality());
            assertEquals("no " + sys.resolve("class/thermal/thermal_zone3") + " on this machine", zone.reason());
            Reading chip = read(connection, device, "chip");
            assertEquals("no hwmon chip named k10temp under " + sys.resolve("class/hwmon") + " on this machine", chip.reason());
            Reading sensor = read(connection, device, "sensor");
            assertEquals("no " + sys.resolve("class/hwmon/hwmon2/temp9_input") + " (hwmon chip coretemp) on this machine",
                    sensor.reason());
            assertEquals(Quality.GOOD, read(connection, device, "z0").quality());
        }
    }

    @Test
    void aFailingChannelIsLoggedOnceAndItsRecoveryOnce() throws Exception {
        Device device = fake("z5=thermal.thermal_zone5");
        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try (DeviceConnection connection = driver.open(device)) {
            for (int i = 0; i < 3; i++) assertEquals(Quality.BAD, read(connection, device, "z5").quality());
            write(sys.resolve("class/thermal/thermal_zone5/temp"), "30000\n");
            for (int i = 0; i < 3; i++) assertEquals(30.0, read(connection, device, "z5").value());
        } finally {
            System.setErr(originalErr);
        }
        List<String> lines = logs.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("Device host")).toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("WARN") && lines.get(0).contains("channel z5 cannot be read: no "), lines.get(0));
        assertTrue(lines.get(1).contains("INFO") && lines.get(1).contains("channel z5 reads again"), lines.get(1));
    }

    @Test
    void garbledFilesAreBadWithTheReason() throws Exception {
        write(sys.resolve("class/thermal/thermal_zone0/temp"), "hot\n");
        write(proc.resolve("loadavg"), "0.5\n");
        Device device = fake("z0=thermal.thermal_zone0", "load=loadavg.1");
        try (DeviceConnection connection = driver.open(device)) {
            Reading zone = read(connection, device, "z0");
            assertEquals(Quality.BAD, zone.quality());
            assertEquals("cannot read thermal.thermal_zone0: unexpected content in "
                    + sys.resolve("class/thermal/thermal_zone0/temp") + ": expected a whole number, found 'hot'", zone.reason());
            Reading load = read(connection, device, "load");
            assertTrue(load.reason().contains("expected three load averages"), load.reason());
        }
    }

    @Test
    void procFilesUnderProcRoot() throws Exception {
        Device device = fake("l1=loadavg.1", "l5=loadavg.5", "l15=loadavg.15", "up=uptime",
                "total=memory.total", "total#+value.type=LONG", "avail=memory.available", "avail#+value.type=LONG",
                "used=memory.used.percent");
        try (DeviceConnection connection = driver.open(device)) {
            assertEquals(0.52, read(connection, device, "l1").value());
            assertEquals(1.58, read(connection, device, "l5").value());
            assertEquals(2.59, read(connection, device, "l15").value());
            assertEquals(350735.47, read(connection, device, "up").value());
            assertEquals(8_000_000L * 1024, read(connection, device, "total").value());
            assertEquals(2_000_000L * 1024, read(connection, device, "avail").value());
            assertEquals(75.0, (Double) read(connection, device, "used").value(), 1e-9);

            // kernels before 3.14 have no MemAvailable
            write(proc.resolve("meminfo"), "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n");
            assertEquals(400L * 1024, read(connection, device, "avail").value());
            assertEquals(60.0, (Double) read(connection, device, "used").value(), 1e-9);

            Files.delete(proc.resolve("uptime"));
            assertEquals("no " + proc.resolve("uptime") + " on this machine", read(connection, device, "up").reason());
        }
    }

    @Test
    void cpuUsageIsMeasuredBetweenReads() throws Exception {
        Device device = fake("cpu=cpu.usage.percent");
        try (DeviceConnection connection = driver.open(device)) {
            // 200 ticks since the sample taken at open, 100 of them idle (50 idle + 50 iowait)
            write(proc.resolve("stat"), "cpu  150 0 150 850 50 0 0 0 0 0\n");
            assertEquals(50.0, (Double) read(connection, device, "cpu").value(), 1e-9);
            // no tick since: the last figure holds
            assertEquals(50.0, (Double) read(connection, device, "cpu").value(), 1e-9);
            // 100 more ticks, 10 idle; steal counts as busy, guest is already in user
            write(proc.resolve("stat"), "cpu  200 10 170 860 50 0 0 10 40 0\n");
            assertEquals(90.0, (Double) read(connection, device, "cpu").value(), 1e-9);
        }
        Device noBaseline = device("proc.root=" + proc.resolve("missing"), "sys.root=" + sys, "cpu=cpu.usage.percent");
        try (DeviceConnection connection = driver.open(noBaseline)) {
            Reading reading = read(connection, noBaseline, "cpu");
            assertEquals("no " + proc.resolve("missing/stat") + " on this machine", reading.reason());
        }
    }

    @Test
    void allChannelsOfOneReadShareOneSample() throws Exception {
        Device device = fake("a=loadavg.1", "b=loadavg.15");
        try (DeviceConnection connection = driver.open(device)) {
            List<Reading> readings = connection.read(List.of(device.channel("b"), device.channel("a")));
            assertEquals(List.of("b", "a"), readings.stream().map(Reading::channel).toList());
            assertEquals(List.of(2.59, 0.52), readings.stream().map(Reading::value).toList());
        }
    }

    @Test
    void writesAreRefused() throws Exception {
        Device device = fake("a=loadavg.1");
        try (DeviceConnection connection = driver.open(device)) {
            DeviceException e = assertThrows(DeviceException.class, () -> connection.write(device.channel("a"), 1.0));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            assertThrows(DeviceException.class, () -> connection.listen(device.channels(), r -> { }));
            assertTrue(connection.connected());
            connection.close();
            assertTrue(!connection.connected());
        }
    }

    private Device fake(String... keys) {
        String[] all = new String[keys.length + 2];
        all[0] = "proc.root=" + proc;
        all[1] = "sys.root=" + sys;
        System.arraycopy(keys, 0, all, 2, keys.length);
        return device(all);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
