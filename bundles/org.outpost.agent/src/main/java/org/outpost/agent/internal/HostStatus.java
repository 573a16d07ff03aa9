package org.outpost.agent.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.outpost.api.NodeUsage;

/**
 * Reads the host's CPU load, memory, disk and uptime from /proc and the data directory's file
 * system. Values that cannot be read stay 0 rather than failing the heartbeat.
 */
final class HostStatus {
    private final Path proc;
    private final Path dataDir;

    HostStatus(Path proc, Path dataDir) {
        this.proc = proc;
        this.dataDir = dataDir;
    }

    NodeUsage read() {
        int cpus = Runtime.getRuntime().availableProcessors();
        double load = firstNumber(proc.resolve("loadavg"));
        long memTotal = meminfoBytes("MemTotal:");
        long memAvailable = meminfoBytes("MemAvailable:");
        long diskTotal = 0;
        long diskFree = 0;
        try {
            FileStore store = Files.getFileStore(dataDir);
            diskTotal = store.getTotalSpace();
            diskFree = store.getUsableSpace();
        } catch (IOException e) {
            // leave disk figures unknown
        }
        long uptime = (long) firstNumber(proc.resolve("uptime"));
        double cpuLoad = cpus == 0 ? 0 : Math.min(1.0, load / cpus);
        return new NodeUsage(cpus, Math.round(cpuLoad * 1000) / 1000.0, memTotal,
                memTotal > 0 && memAvailable > 0 ? memTotal - memAvailable : 0, diskTotal, diskFree, uptime);
    }

    private static double firstNumber(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return Double.parseDouble(text.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private long meminfoBytes(String field) {
        try {
            List<String> lines = Files.readAllLines(proc.resolve("meminfo"), StandardCharsets.US_ASCII);
            for (String line : lines) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    long value = Long.parseLong(parts[0]);
                    return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return 0;
    }
}
