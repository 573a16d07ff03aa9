package org.outpost.server.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.outpost.api.NodeStatus;

/** Counters the server exposes on /metrics in the Prometheus text format. */
final class ServerMetrics {
    private static final double[] LATENCY_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

    final LongAdder heartbeats = new LongAdder();
    final LongAdder joins = new LongAdder();
    final LongAdder joinsRefused = new LongAdder();
    final LongAdder agentConnections = new LongAdder();
    final LongAdder joinsRateLimited = new LongAdder();
    final LongAdder httpConnectionsRefused = new LongAdder();
    final LongAdder httpTimeouts = new LongAdder();
    private final Map<String, Histogram> requestLatency = new ConcurrentHashMap<>();

    /** Latency histogram of one route; buckets are cumulative when rendered. */
    static final class Histogram {
        final AtomicLongArray counts = new AtomicLongArray(LATENCY_BUCKETS.length + 1);
        final LongAdder count = new LongAdder();
        final LongAdder sumNanos = new LongAdder();

        void observe(long nanos) {
            double seconds = nanos / 1e9;
            int bucket = 0;
            while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]) {
                bucket++;
            }
            counts.incrementAndGet(bucket);
            count.increment();
            sumNanos.add(nanos);
        }
    }

    void observeRequest(String route, long nanos) {
        requestLatency.computeIfAbsent(route, r -> new Histogram()).observe(nanos);
    }

    String render(Map<NodeStatus, Integer> nodes, long storeRevision, int connectedAgents) {
        StringBuilder out = new StringBuilder(2048);
        out.append("# HELP outpost_nodes Nodes in the registry by status.\n# TYPE outpost_nodes gauge\n");
        for (NodeStatus status : NodeStatus.values()) {
            out.append("outpost_nodes{status=\"").append(status.name()).append("\"} ")
                    .append(nodes.getOrDefault(status, 0)).append('\n');
        }
        counter(out, "outpost_heartbeats_received_total", "Heartbeats received from agents.", heartbeats.sum());
        counter(out, "outpost_joins_total", "Successful joins (identities issued).", joins.sum());
        counter(out, "outpost_joins_refused_total", "Join attempts refused.", joinsRefused.sum());
        counter(out, "outpost_joins_rate_limited_total", "Join requests refused with 429: too many from one source.",
                joinsRateLimited.sum());
        counter(out, "outpost_https_connections_refused_total",
                "Connections refused because too many had not authenticated.", httpConnectionsRefused.sum());
        counter(out, "outpost_https_timeouts_total",
                "Connections closed for a slow request head or body, or for staying idle.", httpTimeouts.sum());
        out.append("# HELP outpost_agent_connections Agent channels open now.\n# TYPE outpost_agent_connections gauge\n")
                .append("outpost_agent_connections ").append(connectedAgents).append('\n');
        out.append("# HELP outpost_store_revision Current revision of the cluster store.\n# TYPE outpost_store_revision gauge\n")
                .append("outpost_store_revision ").append(storeRevision).append('\n');
        out.append("# HELP outpost_http_request_duration_seconds Admin API and join request latency.\n")
                .append("# TYPE outpost_http_request_duration_seconds histogram\n");
        requestLatency.forEach((route, h) -> {
            long cumulative = 0;
            for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
                cumulative += h.counts.get(i);
                out.append("outpost_http_request_duration_seconds_bucket{route=\"").append(route).append("\",le=\"")
                        .append(LATENCY_BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += h.counts.get(LATENCY_BUCKETS.length);
            out.append("outpost_http_request_duration_seconds_bucket{route=\"").append(route).append("\",le=\"+Inf\"} ")
                    .append(cumulative).append('\n');
            out.append("outpost_http_request_duration_seconds_sum{route=\"").append(route).append("\"} ")
                    .append(h.sumNanos.sum() / 1e9).append('\n');
            out.append("outpost_http_request_duration_seconds_count{route=\"").append(route).append("\"} ")
                    .append(h.count.sum()).append('\n');
        });
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name)
                .append(" counter\n").append(name).append(' ').append(value).append('\n');
    }
}
