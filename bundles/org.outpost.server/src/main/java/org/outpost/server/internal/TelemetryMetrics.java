package org.outpost.server.internal;

import java.util.List;
import java.util.function.ToLongFunction;

import org.outpost.api.device.FleetDevices.NodeIngest;
import org.outpost.api.device.FleetDevices.NodeTelemetry;

/** The per-node telemetry and ingest figures of /metrics, in the Prometheus text format. */
final class TelemetryMetrics {

    private TelemetryMetrics() {
    }

    static String render(List<NodeTelemetry> telemetry, List<NodeIngest> ingest, long historyBytes, long historyLimit,
            int historyChannels) {
        StringBuilder out = new StringBuilder(1024);
        perNode(out, telemetry, NodeTelemetry::node, "outpost_readings_received_total", "counter",
                "Readings and alerts the server kept, by node.", NodeTelemetry::received);
        perNode(out, telemetry, NodeTelemetry::node, "outpost_readings_duplicates_total", "counter",
                "Readings sent again after a lost channel and dropped as already kept.", NodeTelemetry::duplicates);
        perNode(out, telemetry, NodeTelemetry::node, "outpost_outbox_depth", "gauge",
                "Records in the node's outbox not yet acknowledged by every consumer.", NodeTelemetry::depth);
        perNode(out, telemetry, NodeTelemetry::node, "outpost_outbox_bytes", "gauge", "Bytes of the node's outbox on disk.",
                NodeTelemetry::bytes);
        perNode(out, telemetry, NodeTelemetry::node, "outpost_outbox_dropped_total", "counter",
                "Records the node's outbox dropped at its size or age bound (oldest low-priority first).", NodeTelemetry::dropped);
        perNode(out, ingest, NodeIngest::node, "outpost_outbox_refused_total", "counter",
                "Readings the node's outbox refused because its append queue was full.", NodeIngest::outboxRefused);
        perNode(out, ingest, NodeIngest::node, "outpost_ingest_throttled_total", "counter",
                "Readings whose acknowledgement the server delayed because the node forwarded beyond its ingest budget.",
                NodeIngest::throttled);
        out.append("# HELP outpost_ingest_throttled_seconds_total Time acknowledgements to the node waited for its ingest budget.\n")
                .append("# TYPE outpost_ingest_throttled_seconds_total counter\n");
        for (NodeIngest node : ingest) {
            out.append("outpost_ingest_throttled_seconds_total{node=\"").append(node.node()).append("\"} ")
                    .append(node.throttledMillis() / 1000.0).append('\n');
        }
        perNode(out, ingest, NodeIngest::node, "outpost_ingest_not_kept_total", "counter",
                "Readings acknowledged whose value the server did not keep in memory (no room for their channel, or too large).",
                NodeIngest::notKept);
        perNode(out, ingest, NodeIngest::node, "outpost_ingest_paused_total", "counter",
                "Times the server stopped reading the node's channel: more readings batches unacknowledged than allowed.",
                NodeIngest::paused);
        int budget = ingest.isEmpty() ? -1 : ingest.get(0).budgetPerSecond();
        if (budget >= 0) {
            single(out, "outpost_ingest_budget_readings_per_second", "Readings per second each node may forward (0: no budget).",
                    budget);
        }
        single(out, "outpost_readings_history_bytes", "Estimated bytes of readings the server keeps in memory.", historyBytes);
        single(out, "outpost_readings_history_bytes_limit", "The bound on those bytes.", historyLimit);
        single(out, "outpost_readings_history_channels", "Channels whose readings the server keeps.", historyChannels);
        return out.toString();
    }

    private static <T> void perNode(StringBuilder out, List<T> all, java.util.function.Function<T, String> node, String name,
            String type, String help, ToLongFunction<T> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
        for (T item : all) {
            out.append(name).append("{node=\"").append(node.apply(item)).append("\"} ").append(value.applyAsLong(item)).append('\n');
        }
    }

    private static void single(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }
}
