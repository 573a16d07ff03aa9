package org.outpost.api;

/** Resources a node reports with each heartbeat. Sizes in bytes, load as a 0..1 fraction of all CPUs. */
public record NodeUsage(int cpus, double cpuLoad, long memoryTotal, long memoryUsed, long diskTotal,
        long diskFree, long uptimeSeconds) {

    public static final NodeUsage UNKNOWN = new NodeUsage(0, 0, 0, 0, 0, 0, 0);
}
