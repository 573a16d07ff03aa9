package org.outpost.server.internal;

import static org.outpost.server.internal.PrometheusText.Type.COUNTER;
import static org.outpost.server.internal.PrometheusText.Type.GAUGE;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.outpost.api.device.FleetDevices.NodeIngest;
import org.outpost.api.device.FleetDevices.NodeTelemetry;

/** The per-node telemetry and ingest figures of /metrics. */
final class TelemetryMetrics {

    private TelemetryMetrics() {
    }

    static void write(PrometheusText out, List<NodeTelemetry> telemetry, List<NodeIngest> ingest, long historyBytes,
            long historyLimit, int historyChannels) {
        perNode(out, telemetry, NodeTelemetry::node, "outpost_readings_received_total", COUNTER,
                "Readings and alerts the server kept, by node.", NodeTelemetry::received);
        perNode(out, telemetry, NodeTelemetry::node, "outpost_readings_duplicates_total", COUNTER,
                "Readings sent again after a lost channel and dropped as already kept.", NodeTelemetry::duplicates);
        perNode(out, telemetry, NodeTelemetry::node, "outpost_outbox_depth", GAUGE,
                "Records in the node's outbox not yet acknowledged by every consumer.", NodeTelemetry::depth);
        perNode(out, telemetry, NodeTelemetry::node, "outpost_outbox_bytes", GAUGE, "Bytes of the node's outbox on disk.",
                NodeTelemetry::bytes);
        perNode(out, telemetry, NodeTelemetry::node, "outpost_outbox_dropped_total", COUNTER,
                "Records the node's outbox dropped at its size or age bound (oldest low-priority first).", NodeTelemetry::dropped);
        perNode(out, ingest, NodeIngest::node, "outpost_outbox_refused_total", COUNTER,
                "Readings the node's outbox refused because its append queue was full.", NodeIngest::outboxRefused);
        perNode(out, ingest, NodeIngest::node, "outpost_ingest_throttled_total", COUNTER,
                "Readings whose acknowledgement the server delayed because the node forwarded beyond its ingest budget.",
                NodeIngest::throttled);
        out.family("outpost_ingest_throttled_seconds_total", COUNTER,
                "Time acknowledgements to the node waited for its ingest budget.");
        for (NodeIngest node : ingest) {
            out.sample("node", node.node(), node.throttledMillis() / 1000.0);
        }
        perNode(out, ingest, NodeIngest::node, "outpost_ingest_not_kept_total", COUNTER,
                "Readings acknowledged whose value the server did not keep in memory (no room for their channel, or too large).",
                NodeIngest::notKept);
        perNode(out, ingest, NodeIngest::node, "outpost_ingest_paused_total", COUNTER,
                "Times the server stopped reading the node's channel: more readings batches unacknowledged than allowed.",
                NodeIngest::paused);
        int budget = ingest.isEmpty() ? -1 : ingest.get(0).budgetPerSecond();
        if (budget >= 0) {
            out.family("outpost_ingest_budget_readings_per_second", GAUGE,
                    "Readings per second each node may forward (0: no budget).").sample(budget);
        }
        out.family("outpost_readings_history_bytes", GAUGE, "Estimated bytes of readings the server keeps in memory.")
                .sample(historyBytes);
        out.family("outpost_readings_history_bytes_limit", GAUGE, "The bound on those bytes.").sample(historyLimit);
        out.family("outpost_readings_history_channels", GAUGE, "Channels whose readings the server keeps.")
                .sample(historyChannels);
    }

    private static <T> void perNode(PrometheusText out, List<T> all, Function<T, String> node, String name,
            PrometheusText.Type type, String help, ToLongFunction<T> value) {
        out.family(name, type, help);
        for (T item : all) {
            out.sample("node", node.apply(item), value.applyAsLong(item));
        }
    }
}
