package org.outpost.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A node as the server's registry knows it. */
public record NodeInfo(
        String name,
        NodeStatus status,
        List<String> roles,
        Map<String, String> labels,
        String address,
        String version,
        Instant created,
        Instant lastHeartbeat,
        NodeUsage usage) {

    public NodeInfo {
        roles = List.copyOf(roles);
        labels = Map.copyOf(labels);
    }
}
