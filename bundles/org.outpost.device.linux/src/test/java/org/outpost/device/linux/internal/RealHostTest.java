package org.outpost.device.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.device.linux.internal.LinuxDevices.device;
import static org.outpost.device.linux.internal.LinuxDevices.read;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.ValueType;
import org.outpost.api.device.Values;

/** The driver against this machine's real /proc, /sys and file systems. */
class RealHostTest {

    private final LinuxDriver driver = new LinuxDriver();

    @BeforeAll
    static void needsLinux() {
        if (!Files.isReadable(Path.of("/proc/loadavg"))) {
            throw new IllegalStateException("these tests read the real /proc: run them on Linux");
        }
    }

    @Test
    void loadAveragesMatchProcLoadavg() throws Exception {
        Device device = device("l1=loadavg.1", "l5=loadavg.5", "l15=loadavg.15");
        int cpus = Runtime.getRuntime().availableProcessors();
        try (DeviceConnection connection = driver.open(device)) {
            // the kernel updates the averages every 5 s: retry if one update fell between the reads
            for (int attempt = 0; ; attempt++) {
                String before = Files.readString(Path.of("/proc/loadavg"));
                List<Reading> readings = connection.read(List.of(device.channel("l1"), device.channel("l5"),
                        device.channel("l15")));
                String after = Files.readString(Path.of("/proc/loadavg"));
                String[] fields = before.trim().split("\\s+");
                String[] fieldsAfter = after.trim().split("\\s+");
                boolean updatedBetween = !(fields[0].equals(fieldsAfter[0]) && fields[1].equals(fieldsAfter[1])
                        && fields[2].equals(fieldsAfter[2]));
                if (updatedBetween && attempt < 5) continue;
                for (int i = 0; i < 3; i++) {
                    Reading reading = readings.get(i);
                    assertEquals(Quality.GOOD, reading.quality(), reading.reason());
                    double value = (Double) reading.value();
                    assertEquals(Double.parseDouble(fields[i]), value, 0.0, reading.channel());
                    assertTrue(value >= 0 && value < 100.0 * cpus, reading.channel() + " = " + value);
                }
                return;
            }
        }
    }

    @Test
    void memoryMatchesProcMeminfo() throws Exception {
        long memTotalKb = meminfoKb("MemTotal");
        Device device = device("total=memory.total", "total#+value.type=LONG", "available=memory.available",
                "available#+value.type=LONG", "used=memory.used.percent");
        try (DeviceConnection connection = driver.open(device)) {
            List<Reading> readings = connection.read(List.of(device.channel("available"), device.channel("used"),
                    device.channel("total")));
            Reading total = readings.get(2);
            assertEquals("total", total.channel());
            assertEquals(memTotalKb * 1024, total.value());
            assertEquals(ValueType.LONG, Values.toChannel(device.channel("total"), total).type());
            long available = (Long) readings.get(0).value();
            assertTrue(available > 0 && available < memTotalKb * 1024, "available " + available);
            double used = (Double) readings.get(1).value();
            assertEquals(100.0 * (memTotalKb * 1024 - available) / (memTotalKb * 1024), used, 1e-9);
        }
    }

    @Test
    void uptimeIncreases() throws Exception {
        Device device = device("up=uptime");
        try (DeviceConnection connection = driver.open(device)) {
            double procUptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0]);
            double first = (Double) read(connection, device, "up").value();
            assertTrue(first >= procUptime && first < procUptime + 60, first + " vs /proc/uptime " + procUptime);
            long deadline = System.nanoTime() + 5_000_000_000L;
            double later;
            do {
                Thread.sleep(20);
                later = (Double) read(connection, device, "up").value();
            } while (later <= first && System.nanoTime() < deadline);
            assertTrue(later > first, "uptime did not increase: " + first + " then " + later);
        }
    }

    @Test
    void cpuUsageIsAPercentageBetweenReads() throws Exception {
        Device device = device("cpu=cpu.usage.percent");
        try (DeviceConnection connection = driver.open(device)) {
            for (int i = 0; i < 3; i++) {
                long end = System.nanoTime() + 50_000_000L;
                while (System.nanoTime() < end) {
                    Math.sqrt(System.nanoTime()); // keep one CPU busy between samples
                }
                Reading reading = read(connection, device, "cpu");
                assertEquals(Quality.GOOD, reading.quality(), reading.reason());
                double usage = (Double) reading.value();
                assertTrue(usage >= 0 && usage <= 100, "usage " + usage);
            }
        }
    }

    @Test
    void diskFiguresMatchTheFileStore(@TempDir Path dir) throws Exception {
        FileStore root = Files.getFileStore(Path.of("/"));
        FileStore temp = Files.getFileStore(dir);
        Device device = device("free=disk.free", "free#+value.type=LONG", "total=disk.total", "total#+value.type=LONG",
                "used=disk.used.percent", "tmpfree=disk.free", "tmpfree#path=" + dir, "tmpfree#+value.type=LONG");
        try (DeviceConnection connection = driver.open(device)) {
            long expectedFree = root.getUsableSpace();
            long free = (Long) read(connection, device, "free").value();
            assertEquals(expectedFree, free, Math.max(64L << 20, expectedFree / 100), "free space of /");
            assertEquals(root.getTotalSpace(), read(connection, device, "total").value());
            double used = (Double) read(connection, device, "used").value();
            assertTrue(used >= 0 && used <= 100, "used " + used);
            long tempFree = temp.getUsableSpace();
            assertEquals(tempFree, (Long) read(connection, device, "tmpfree").value(), Math.max(64L << 20, tempFree / 100));
        }
    }

    @Test
    void aMissingSourceIsABadReadingNotAnError() throws Exception {
        Device device = device("zone=thermal.thermal_zone999", "fan=hwmon.no_such_chip.fan1",
                "gone=disk.free", "gone#path=/no/such/mount", "load=loadavg.1");
        assertEquals(List.of(), driver.validate(device), "a fleet-wide config may name sensors this host lacks");
        try (DeviceConnection connection = driver.open(device)) {
            List<Reading> readings = connection.read(List.of(device.channel("zone"), device.channel("fan"),
                    device.channel("gone"), device.channel("load")));
            assertEquals(Quality.BAD, readings.get(0).quality());
            assertEquals("no /sys/class/thermal/thermal_zone999 on this machine", readings.get(0).reason());
            assertEquals(Quality.BAD, readings.get(1).quality());
            assertEquals("no hwmon chip named no_such_chip under /sys/class/hwmon on this machine", readings.get(1).reason());
            assertEquals("no /no/such/mount on this machine", readings.get(2).reason());
            assertEquals(Quality.GOOD, readings.get(3).quality(), "the other channels still read");
            assertInstanceOf(Double.class, readings.get(3).value());
        }
    }

    private static long meminfoKb(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.split("\\s+")[1]);
        }
        throw new AssertionError("no " + field + " in /proc/meminfo");
    }
}
