package org.outpost.device.linux.internal;

import java.io.IOException;
import java.util.Map;

/**
 * The host as seen by one read: each /proc file is read at most once however many channels use
 * it, so channels read together are consistent and a read stays cheap.
 */
final class HostSample {

    private final HostFiles files;
    private double[] loadAverages;
    private Map<String, Long> memory;
    private double uptime = -1;
    private double cpuUsage = -1;

    HostSample(HostFiles files) {
        this.files = files;
    }

    HostFiles files() {
        return files;
    }

    /** @param index 0, 1, 2 for the 1, 5 and 15 minute averages */
    double loadAverage(int index) throws IOException {
        if (loadAverages == null) loadAverages = files.loadAverages();
        return loadAverages[index];
    }

    long memoryTotal() throws IOException {
        return memoryField("MemTotal");
    }

    /** MemAvailable, or its estimate from MemFree + Buffers + Cached on kernels before 3.14. */
    long memoryAvailable() throws IOException {
        Long available = memory().get("MemAvailable");
        if (available != null) return available;
        return memoryField("MemFree") + memory().getOrDefault("Buffers", 0L) + memory().getOrDefault("Cached", 0L);
    }

    double uptimeSeconds() throws IOException {
        if (uptime < 0) uptime = files.uptimeSeconds();
        return uptime;
    }

    double cpuUsagePercent() throws IOException {
        if (cpuUsage < 0) cpuUsage = files.cpuUsagePercent();
        return cpuUsage;
    }

    private long memoryField(String name) throws IOException {
        Long value = memory().get(name);
        if (value == null) throw new IOException("no " + name + " in meminfo");
        return value;
    }

    private Map<String, Long> memory() throws IOException {
        if (memory == null) memory = files.memoryInfo();
        return memory;
    }
}
