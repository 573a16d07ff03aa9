package org.outpost.device.linux.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host's own files under {@code proc.root} and {@code sys.root}, read on demand, plus what must
 * outlive one read: the previous CPU sample (usage is measured between reads), the file stores of
 * disk paths and the hwmon directory of each chip name (finding them costs a directory scan).
 * Used by one connection, whose calls never overlap.
 */
final class HostFiles {

    private final Path procRoot;
    private final Path sysRoot;
    private final Map<Path, FileStore> fileStores = new HashMap<>();
    private final Map<String, Path> hwmonChips = new HashMap<>();
    private CpuTimes previousCpu;
    private double lastCpuUsage = -1;

    HostFiles(Path procRoot, Path sysRoot) {
        this.procRoot = procRoot;
        this.sysRoot = sysRoot;
    }

    /** Takes the first CPU sample, so that the first read already measures a real interval. */
    void startCpuSampling() {
        try {
            previousCpu = cpuTimes();
        } catch (IOException | RuntimeException e) {
            previousCpu = null; // the first read then reports the average since boot
        }
    }

    double[] loadAverages() throws IOException {
        Path file = procRoot.resolve("loadavg");
        String text = read(file);
        try {
            return ProcFormats.loadAverages(text);
        } catch (IllegalArgumentException e) {
            throw unexpected(file, e);
        }
    }

    Map<String, Long> memoryInfo() throws IOException {
        return ProcFormats.memoryInfo(read(procRoot.resolve("meminfo")));
    }

    double uptimeSeconds() throws IOException {
        Path file = procRoot.resolve("uptime");
        String text = read(file);
        try {
            return ProcFormats.uptimeSeconds(text);
        } catch (IllegalArgumentException e) {
            throw unexpected(file, e);
        }
    }

    /** The busy share of all CPUs in percent since the previous call (since boot on the first). */
    double cpuUsagePercent() throws IOException {
        CpuTimes now = cpuTimes();
        CpuTimes before = previousCpu;
        previousCpu = now;
        double usage = before == null ? -1 : now.usagePercentSince(before);
        if (usage < 0) {
            // no tick passed since the last sample: the last figure still holds
            usage = lastCpuUsage >= 0 ? lastCpuUsage : now.usagePercentSinceBoot();
        }
        lastCpuUsage = usage;
        return usage;
    }

    private CpuTimes cpuTimes() throws IOException {
        Path file = procRoot.resolve("stat");
        String firstLine;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            firstLine = reader.readLine();
        } catch (NoSuchFileException e) {
            throw new SourceMissingException(file.toString());
        }
        if (firstLine == null) throw new IOException("unexpected content in " + file + ": it is empty");
        try {
            return ProcFormats.cpuTimes(firstLine);
        } catch (IllegalArgumentException e) {
            throw unexpected(file, e);
        }
    }

    FileStore fileStore(Path path) throws IOException {
        FileStore store = fileStores.get(path);
        if (store == null) {
            if (!Files.exists(path)) throw new SourceMissingException(path.toString());
            store = Files.getFileStore(path);
            fileStores.put(path, store);
        }
        return store;
    }

    /** Forgets the file store of a path whose read failed (it may have been unmounted and mounted again). */
    void forgetFileStore(Path path) {
        fileStores.remove(path);
    }

    /** The temperature of a thermal zone in °C. */
    double thermalCelsius(String zone) throws IOException {
        Path directory = sysRoot.resolve("class/thermal").resolve(zone);
        if (!Files.isDirectory(directory)) throw new SourceMissingException(directory.toString());
        return sensor(directory.resolve("temp")) / 1000.0;
    }

    /**
     * The raw integer in {@code <file>} of the hwmon chip called {@code chip}: the first
     * {@code /sys/class/hwmon/hwmonN} (in N order) whose {@code name} is {@code chip}.
     */
    long hwmonValue(String chip, String file) throws IOException {
        Path directory = hwmonChips.get(chip);
        if (directory == null || !Files.isDirectory(directory)) {
            directory = findHwmonChip(chip);
            hwmonChips.put(chip, directory);
        }
        Path sensor = directory.resolve(file);
        if (!Files.exists(sensor)) throw new SourceMissingException(sensor + " (hwmon chip " + chip + ")");
        return sensor(sensor);
    }

    private Path findHwmonChip(String chip) throws IOException {
        Path hwmon = sysRoot.resolve("class/hwmon");
        if (!Files.isDirectory(hwmon)) throw new SourceMissingException("hwmon chip named " + chip + " under " + hwmon);
        Map<Integer, Path> byNumber = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(hwmon, "hwmon*")) {
            for (Path entry : entries) {
                try {
                    byNumber.put(Integer.parseInt(entry.getFileName().toString().substring("hwmon".length())), entry);
                } catch (NumberFormatException e) {
                    // not a hwmonN entry
                }
            }
        }
        for (Path directory : byNumber.values()) {
            Path name = directory.resolve("name");
            try {
                if (Files.readString(name).trim().equals(chip)) return directory;
            } catch (NoSuchFileException e) {
                // a chip without a name cannot be addressed by name
            }
        }
        throw new SourceMissingException("hwmon chip named " + chip + " under " + hwmon);
    }

    private static long sensor(Path file) throws IOException {
        String text = read(file);
        try {
            return ProcFormats.sensorValue(text);
        } catch (IllegalArgumentException e) {
            throw unexpected(file, e);
        }
    }

    private static String read(Path file) throws IOException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new SourceMissingException(file.toString());
        }
    }

    private static IOException unexpected(Path file, IllegalArgumentException e) {
        return new IOException("unexpected content in " + file + ": " + e.getMessage());
    }
}
