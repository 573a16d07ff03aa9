package org.outpost.shell.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.outpost.api.NodeInfo;
import org.outpost.api.NodeUsage;

/** Human text for nodes: the {@code edge:nodes} table and the {@code edge:node} description. */
final class NodeText {

    static final Comparator<NodeInfo> BY_NAME = Comparator.comparing(NodeInfo::name,
            Comparator.nullsFirst(Comparator.naturalOrder()));

    private NodeText() {
    }

    static Table table(List<NodeInfo> nodes, Instant now) {
        Table table = new Table("NAME", "STATUS", "ROLES", "AGE", "VERSION", "ADDRESS", "LABELS");
        for (NodeInfo n : nodes) {
            table.row(n.name(), status(n), roles(n), Ages.since(n.created(), now), orNone(n.version()),
                    orNone(n.address()), LabelArgs.format(n.labels()));
        }
        return table;
    }

    /** {@code key: value} lines. */
    static List<String> describe(NodeInfo n, Instant now) {
        List<String> lines = new ArrayList<>();
        lines.add("name: " + n.name());
        lines.add("status: " + status(n));
        lines.add("roles: " + roles(n));
        lines.add("labels: " + LabelArgs.format(n.labels()));
        lines.add("address: " + orNone(n.address()));
        lines.add("version: " + orNone(n.version()));
        lines.add("created: " + when(n.created(), now));
        lines.add("lastHeartbeat: " + when(n.lastHeartbeat(), now));
        NodeUsage u = n.usage();
        if (u == null || u.equals(NodeUsage.UNKNOWN)) {
            lines.add("usage: <unknown>");
        } else {
            lines.add("cpus: " + u.cpus());
            lines.add("cpuLoad: " + String.format(Locale.ROOT, "%.1f%%", u.cpuLoad() * 100));
            lines.add("memory: " + Sizes.format(u.memoryUsed()) + " used of " + Sizes.format(u.memoryTotal()));
            lines.add("disk: " + Sizes.format(u.diskFree()) + " free of " + Sizes.format(u.diskTotal()));
            lines.add("uptime: " + Ages.format(java.time.Duration.ofSeconds(u.uptimeSeconds())));
        }
        return lines;
    }

    static String status(NodeInfo n) {
        return n.status() == null ? "Unknown" : n.status().name();
    }

    static String roles(NodeInfo n) {
        return n.roles().isEmpty() ? "<none>" : String.join(",", n.roles());
    }

    /** {@code 2025-01-02T03:04:05Z (5m ago)}, or {@code <unknown>}. */
    static String when(Instant instant, Instant now) {
        return instant == null ? Ages.UNKNOWN : instant + " (" + Ages.since(instant, now) + " ago)";
    }

    private static String orNone(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }
}
