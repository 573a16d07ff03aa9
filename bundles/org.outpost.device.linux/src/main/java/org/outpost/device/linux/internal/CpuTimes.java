package org.outpost.device.linux.internal;

/**
 * The aggregate CPU time counters of {@code /proc/stat} (in clock ticks since boot).
 *
 * @param idle idle and iowait ticks
 * @param total ticks of every state (guest time is already inside user time, so not added again)
 */
record CpuTimes(long idle, long total) {

    /** The busy share between {@code earlier} and this sample in percent, or -1 when no ticks passed. */
    double usagePercentSince(CpuTimes earlier) {
        long elapsed = total - earlier.total;
        if (elapsed <= 0) return -1;
        long idled = Math.max(0, idle - earlier.idle);
        return clampPercent(100.0 * (elapsed - idled) / elapsed);
    }

    /** The busy share since boot in percent. */
    double usagePercentSinceBoot() {
        return total <= 0 ? 0 : clampPercent(100.0 * (total - idle) / total);
    }

    private static double clampPercent(double percent) {
        return Math.max(0, Math.min(100, percent));
    }
}
