package org.outpost.server.internal;

import static org.outpost.server.internal.PrometheusText.Type.COUNTER;
import static org.outpost.server.internal.PrometheusText.Type.GAUGE;
import static org.outpost.server.internal.PrometheusText.Type.HISTOGRAM;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.outpost.api.NodeStatus;

/** Counters the server exposes on /metrics, written through {@link PrometheusText}. */
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

    /** Writes the server's families onto the page. */
    void write(PrometheusText out, Map<NodeStatus, Integer> nodes, long storeRevision, int connectedAgents) {
        out.family("outpost_nodes", GAUGE, "Nodes in the registry by status.");
        for (NodeStatus status : NodeStatus.values()) {
            out.sample("status", status.name(), nodes.getOrDefault(status, 0));
        }
        out.family("outpost_heartbeats_received_total", COUNTER, "Heartbeats received from agents.").sample(heartbeats.sum());
        out.family("outpost_joins_total", COUNTER, "Successful joins (identities issued).").sample(joins.sum());
        out.family("outpost_joins_refused_total", COUNTER, "Join attempts refused.").sample(joinsRefused.sum());
        out.family("outpost_joins_rate_limited_total", COUNTER, "Join requests refused with 429: too many from one source.")
                .sample(joinsRateLimited.sum());
        out.family("outpost_https_connections_refused_total", COUNTER,
                "Connections refused because too many had not authenticated.").sample(httpConnectionsRefused.sum());
        out.family("outpost_https_timeouts_total", COUNTER,
                "Connections closed for a slow request head or body, or for staying idle.").sample(httpTimeouts.sum());
        out.family("outpost_agent_connections", GAUGE, "Agent channels open now.").sample(connectedAgents);
        out.family("outpost_store_revision", GAUGE, "Current revision of the cluster store.").sample(storeRevision);
        out.family("outpost_http_request_duration_seconds", HISTOGRAM, "Admin API and join request latency.");
        requestLatency.forEach((route, h) -> {
            long[] buckets = new long[h.counts.length()];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = h.counts.get(i);
            }
            out.histogram("route", route, LATENCY_BUCKETS, buckets, h.sumNanos.sum() / 1e9, h.count.sum());
        });
    }
}
