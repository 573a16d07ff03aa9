package org.outpost.shell.internal;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.device.FleetDevices.NodeIngest;
import org.outpost.api.device.FleetDevices.NodeTelemetry;
import org.outpost.outbox.Outbox;
import org.outpost.outbox.OutboxStats;

import com.fasterxml.jackson.databind.node.ObjectNode;

@Command(scope = "edge", name = "outbox", description = "Shows this node's durable outbox: depth, oldest record, rate, drops.",
        detailedDescription = "Every reading and alert is appended to the outbox (fsync'd) before it counts as taken, and is"
                + " deleted only when every consumer (the server, the MQTT cloud) has acknowledged it. When the outbox reaches"
                + " its bound (org.outpost.outbox maxBytes / maxAgeHours) it drops the oldest low-priority records first and"
                + " counts them as DROPPED. On the server, the outboxes of every node follow, with what the server's ingest"
                + " budget held back: THROTTLED readings were kept but their acknowledgement waited, which paces a node that"
                + " forwards faster than the budget (org.outpost.server.ingest readingsPerSecondPerNode); its outbox holds the rest.")
@Service
public class OutboxCommand extends DeviceAction {

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Reference(optional = true)
    Outbox outbox;

    @Override
    protected void run() throws Exception {
        boolean json = Output.isJson(output);
        if (outbox == null && fleet == null) throw fail("no outbox on this node (it comes with the agent role)");
        OutboxStats stats = outbox == null ? null : outbox.stats();
        if (json) {
            ObjectNode o = Json.object();
            if (stats != null) o.set("local", Json.MAPPER.valueToTree(stats));
            if (fleet != null) {
                o.set("nodes", Json.MAPPER.valueToTree(fleet.telemetry()));
                o.set("ingest", Json.MAPPER.valueToTree(fleet.ingest()));
            }
            out().println(Json.write(o));
            return;
        }
        if (stats != null) {
            out().println("Depth:      " + stats.depth() + " records (" + Sizes.format(stats.bytes()) + " on disk)");
            out().println("Oldest:     " + (stats.oldestAppendedAt() <= 0 ? "-"
                    : Ages.since(Instant.ofEpochMilli(stats.oldestAppendedAt()), now()) + " ago"));
            out().println("Rate:       " + String.format(java.util.Locale.ROOT, "%.1f", stats.appendRate()) + " records/s (last minute), "
                    + stats.appended() + " appended since start");
            out().println("Dropped:    " + stats.droppedTotal() + " (" + stats.dropped() + " since start)");
            if (stats.recoveredBytes() > 0) {
                out().println("Recovered:  cut " + stats.recoveredBytes() + " bytes of a torn tail at start");
            }
            Map<String, Long> pending = new TreeMap<>(stats.pendingByCursor());
            out().println("Pending:    " + (pending.isEmpty() ? "-" : pending.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("")));
        }
        if (fleet != null) {
            if (stats != null) out().println();
            Map<String, NodeIngest> ingest = new TreeMap<>();
            fleet.ingest().forEach(node -> ingest.put(node.node(), node));
            Table table = new Table("NODE", "DEPTH", "OLDEST", "RATE/S", "DROPPED", "RECEIVED", "DUPLICATES", "THROTTLED", "REPORTED");
            for (NodeTelemetry node : fleet.telemetry()) {
                NodeIngest paced = ingest.get(node.node());
                String throttled = paced == null ? "0" : paced.throttled() + (paced.throttled() == 0 ? ""
                        : " (" + paced.throttledMillis() / 1000 + "s)");
                table.row(node.node(), String.valueOf(node.depth()),
                        node.oldestAppendedAt() <= 0 ? "-" : Ages.since(Instant.ofEpochMilli(node.oldestAppendedAt()), now()),
                        String.format(java.util.Locale.ROOT, "%.1f", node.appendRate()), String.valueOf(node.dropped()),
                        String.valueOf(node.received()), String.valueOf(node.duplicates()), throttled,
                        node.reportedAt() <= 0 ? "never" : Ages.since(Instant.ofEpochMilli(node.reportedAt()), now()) + " ago");
            }
            table.print(out());
            if (!ingest.isEmpty()) {
                int budget = ingest.values().iterator().next().budgetPerSecond();
                out().println("Ingest budget: " + (budget == 0 ? "none" : budget + " readings/s per node")
                        + " (org.outpost.server.ingest readingsPerSecondPerNode)");
            }
        }
    }
}
