package org.outpost.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A node as the server's registry knows it. {@code statusSince} is when it last became Ready or
 * NotReady (the eviction clock); {@code cordoned} nodes get no new workloads; {@code runtimes}
 * are the workload runtimes its agent has ({@code docker}, {@code bundle}).
 */
public record NodeInfo(
        String name,
        NodeStatus status,
        List<String> roles,
        Map<String, String> labels,
        String address,
        String version,
        Instant created,
        Instant lastHeartbeat,
        NodeUsage usage,
        Instant statusSince,
        boolean cordoned,
        List<String> runtimes) {

    public NodeInfo {
        roles = List.copyOf(roles);
        labels = Map.copyOf(labels);
        runtimes = runtimes == null ? List.of() : List.copyOf(runtimes);
    }
}
