package org.outpost.device.linux.internal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.outpost.api.device.Channel;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.ValueType;

/** The names a channel's {@code source} key may take, and what each one reads. */
final class HostSources {

    static final String NAMES = "loadavg.1|5|15, memory.total|available|used.percent, uptime, cpu.usage.percent, "
            + "disk.free|total|used.percent, thermal.<zone>, hwmon.<chip>.<sensor> (sensor temp1, fan1, in0, curr1, power1)";

    private static final String THERMAL = "thermal.";
    private static final String HWMON = "hwmon.";
    private static final String DISK = "disk.";
    /** A single path segment: no separators, never "." or "..". */
    private static final Pattern SEGMENT = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9_.:-]+");
    private static final Pattern HWMON_SENSOR = Pattern.compile("(temp|fan|in|curr|power)([0-9]+)");
    private static final Set<String> BYTE_COUNTS = Set.of("memory.total", "memory.available", "disk.free", "disk.total");

    static final String SOURCE = "source";
    static final String PATH = "path";
    private static final String DEFAULT_PATH = "/";

    private HostSources() {
    }

    /**
     * What a channel reads; each problem with its keys is added to {@code problems} as one sentence
     * naming the key, and then the result is null. A source this machine lacks is no problem here.
     */
    static HostSource forChannel(Channel channel, List<String> problems) {
        int before = problems.size();
        String prefix = channel.name() + DeviceConfig.CHANNEL_SEPARATOR;
        for (String key : new TreeSet<>(channel.driverConfig().keySet())) {
            if (!key.equals(SOURCE) && !key.equals(PATH)) {
                problems.add(prefix + key + ": unknown key for the linux driver (it takes source, path)");
            }
        }
        if (channel.mode().writable()) {
            problems.add(prefix + DeviceConfig.CH_TYPE + ": the linux driver only reads (READ), " + channel.mode() + " is not possible");
        }
        if (channel.valueType() == ValueType.BOOLEAN || channel.valueType() == ValueType.BYTE_ARRAY) {
            problems.add(prefix + DeviceConfig.CH_VALUE_TYPE + ": the linux driver gives numbers; use DOUBLE, FLOAT, LONG, "
                    + "INTEGER or STRING, not " + channel.valueType());
        }
        String name = channel.driverConfig().get(SOURCE);
        String pathText = channel.driverConfig().get(PATH);
        Path path = Path.of(DEFAULT_PATH);
        if (pathText != null) {
            if (name != null && !measuresDisk(name)) {
                problems.add(prefix + PATH + ": only disk.* sources take a path");
            }
            try {
                path = Path.of(pathText.trim());
                if (!path.isAbsolute()) problems.add(prefix + PATH + ": '" + pathText + "' is not an absolute path");
            } catch (InvalidPathException e) {
                problems.add(prefix + PATH + ": '" + pathText + "' is not a path");
            }
        }
        HostSource source = null;
        if (name == null) {
            problems.add(prefix + SOURCE + ": missing (e.g. loadavg.1, memory.used.percent, thermal.thermal_zone0)");
        } else {
            try {
                source = parse(name.trim(), path);
            } catch (IllegalArgumentException e) {
                problems.add(prefix + SOURCE + ": " + e.getMessage());
            }
            if (countsBytes(name.trim()) && channel.valueType() == ValueType.INTEGER && !channel.scaled()) {
                problems.add(prefix + DeviceConfig.CH_VALUE_TYPE + ": " + name.trim()
                        + " is a byte count too large for INTEGER; use LONG or DOUBLE, or scale it");
            }
        }
        return problems.size() > before ? null : source;
    }

    /**
     * What {@code name} reads.
     *
     * @param diskPath the directory whose file system {@code disk.*} sources measure
     * @throws IllegalArgumentException for a name that is no source, with a sentence saying why
     */
    static HostSource parse(String name, Path diskPath) {
        switch (name) {
            case "loadavg.1": return sample -> sample.loadAverage(0);
            case "loadavg.5": return sample -> sample.loadAverage(1);
            case "loadavg.15": return sample -> sample.loadAverage(2);
            case "memory.total": return HostSample::memoryTotal;
            case "memory.available": return HostSample::memoryAvailable;
            case "memory.used.percent": return sample -> {
                long total = sample.memoryTotal();
                return total == 0 ? 0.0 : 100.0 * (total - sample.memoryAvailable()) / total;
            };
            case "uptime": return HostSample::uptimeSeconds;
            case "cpu.usage.percent": return HostSample::cpuUsagePercent;
            case "disk.free": return disk(diskPath, FileStore::getUsableSpace);
            case "disk.total": return disk(diskPath, FileStore::getTotalSpace);
            case "disk.used.percent": return disk(diskPath, HostSources::diskUsedPercent);
            default: break;
        }
        if (name.startsWith(THERMAL)) {
            String zone = name.substring(THERMAL.length());
            if (!SEGMENT.matcher(zone).matches()) {
                throw new IllegalArgumentException("'" + name + "' does not name a thermal zone (e.g. thermal.thermal_zone0)");
            }
            return sample -> sample.files().thermalCelsius(zone);
        }
        if (name.startsWith(HWMON)) return hwmon(name);
        throw new IllegalArgumentException("'" + name + "' is not a source (" + NAMES + ")");
    }

    /** Whether the source gives a byte count (too large for an INTEGER channel). */
    static boolean countsBytes(String name) {
        return BYTE_COUNTS.contains(name);
    }

    static boolean measuresDisk(String name) {
        return name.startsWith(DISK);
    }

    private static HostSource hwmon(String name) {
        String rest = name.substring(HWMON.length());
        int dot = rest.lastIndexOf('.');
        String chip = dot > 0 ? rest.substring(0, dot) : "";
        Matcher sensor = HWMON_SENSOR.matcher(dot > 0 ? rest.substring(dot + 1) : "");
        if (!SEGMENT.matcher(chip).matches() || !sensor.matches()) {
            throw new IllegalArgumentException("'" + name + "' does not name a hwmon sensor (hwmon.<chip>.<sensor>, "
                    + "e.g. hwmon.coretemp.temp1, hwmon.nct6775.fan1, hwmon.nct6775.in0)");
        }
        String file = sensor.group() + "_input";
        return switch (sensor.group(1)) {
            case "temp" -> sample -> sample.files().hwmonValue(chip, file) / 1000.0; // millidegrees → °C
            case "in" -> sample -> sample.files().hwmonValue(chip, file) / 1000.0; // millivolts → V
            case "curr" -> sample -> sample.files().hwmonValue(chip, file) / 1000.0; // milliamperes → A
            case "power" -> sample -> sample.files().hwmonValue(chip, file) / 1_000_000.0; // microwatts → W
            default -> sample -> sample.files().hwmonValue(chip, file); // fan: revolutions per minute
        };
    }

    private static HostSource disk(Path path, StoreFigure figure) {
        return sample -> {
            FileStore store = sample.files().fileStore(path);
            try {
                return figure.of(store);
            } catch (IOException e) {
                sample.files().forgetFileStore(path); // unmounted: look the mount up again next time
                throw e;
            }
        };
    }

    @FunctionalInterface
    private interface StoreFigure {
        Object of(FileStore store) throws IOException;
    }

    /** Used space as {@code df} counts it: reserved blocks are neither used nor available. */
    private static double diskUsedPercent(FileStore store) throws IOException {
        long used = store.getTotalSpace() - store.getUnallocatedSpace();
        long usable = used + store.getUsableSpace();
        return usable <= 0 ? 0.0 : 100.0 * used / usable;
    }
}
