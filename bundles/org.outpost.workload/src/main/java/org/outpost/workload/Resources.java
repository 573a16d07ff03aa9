package org.outpost.workload;

/**
 * A container's CPU in millicores and memory in bytes, requested and limited; 0 means not set.
 * A limit, when set, is never below its request.
 */
public record Resources(long cpuRequestMillis, long cpuLimitMillis, long memoryRequestBytes, long memoryLimitBytes) {
    public static final Resources NONE = new Resources(0, 0, 0, 0);
}
