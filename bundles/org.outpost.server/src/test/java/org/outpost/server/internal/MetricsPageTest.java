package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.outpost.api.NodeStatus;
import org.outpost.api.device.FleetDevices.NodeIngest;
import org.outpost.api.device.FleetDevices.NodeTelemetry;

import io.netty.channel.embedded.EmbeddedChannel;

/**
 * A whole /metrics page for fixed inputs, byte for byte against {@code metrics-page.golden.txt}: the
 * page scrapers and dashboards read must not change when the code that writes it does.
 */
class MetricsPageTest {

    @Test
    void pageForFixedInputsIsUnchanged() throws IOException {
        ServerMetrics server = new ServerMetrics();
        server.heartbeats.add(12);
        server.joins.add(3);
        server.joinsRefused.add(1);
        server.agentConnections.add(4);
        server.joinsRateLimited.add(2);
        server.httpConnectionsRefused.add(5);
        server.httpTimeouts.add(6);
        server.observeRequest("GET /healthz", 400_000);
        server.observeRequest("GET /healthz", 3_000_000);
        server.observeRequest("GET /v1/nodes/{name}", 30_000_000);
        server.observeRequest("POST /v1/join", 1_500_000_000L);
        server.observeRequest("POST /v1/join", 4_000_000_000L);

        AgentSessions sessions = new AgentSessions();
        sessions.open("gw-2", new EmbeddedChannel());
        sessions.open("gw-1", new EmbeddedChannel());
        sessions.open("gw-1", new EmbeddedChannel());

        List<NodeTelemetry> telemetry = List.of(
                new NodeTelemetry("gw-1", 7, 4096, 1_000, 2.5, 1, 120, 3, 2_000),
                new NodeTelemetry("gw-2", 0, 0, 0, 0, 0, 9, 0, 2_000));
        List<NodeIngest> ingest = List.of(
                new NodeIngest("gw-1", 500, 120, 40, 2_250, 2, 1, 4, 1),
                new NodeIngest("gw-2", 500, 9, 0, 0, 0, 0, 0, 0));

        String page = PrometheusText.page(out -> {
            server.write(out, Map.of(NodeStatus.Ready, 2, NodeStatus.NotReady, 1), 57, 2);
            sessions.writeMetrics(out);
            TelemetryMetrics.write(out, telemetry, ingest, 65_536, 1_048_576, 14);
        });

        String golden = golden();
        if (!golden.equals(page)) {
            Files.writeString(Path.of("target", "metrics-page.actual.txt"), page, StandardCharsets.UTF_8);
        }
        assertEquals(golden, page, "the page differs from the golden one (written to target/metrics-page.actual.txt)");
    }

    @Test
    void everyFamilyHasOneHelpAndTypeBeforeItsSamples() throws IOException {
        String[] lines = golden().split("\n");
        List<String> families = new ArrayList<>();
        String current = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("# HELP ")) {
                current = line.split(" ")[2];
                assertFalse(families.contains(current), "declared twice: " + current);
                families.add(current);
                assertTrue(lines[i + 1].startsWith("# TYPE " + current + " "), "TYPE follows HELP: " + lines[i + 1]);
                i++;
            } else {
                String name = line.split("[{ ]")[0];
                assertTrue(name.equals(current) || name.matches(Pattern.quote(current) + "_(bucket|sum|count)"),
                        "sample outside its family: " + line);
            }
        }
        assertEquals(25, families.size(), families.toString());
    }

    @Test
    void aNodeNameCannotForgeASeries() {
        String forged = "gw-1\"} 0\noutpost_outbox_depth{node=\"gw-2";
        String page = PrometheusText.page(out -> TelemetryMetrics.write(out,
                List.of(new NodeTelemetry(forged, 7, 0, 0, 0, 0, 0, 0, 0)), List.of(), 0, 0, 0));

        assertTrue(page.contains("\noutpost_outbox_depth{node=\"gw-1\\\"} 0\\noutpost_outbox_depth{node=\\\"gw-2\"} 7\n"), page);
        assertEquals(1, page.lines().filter(line -> line.startsWith("outpost_outbox_depth")).count(), page);
    }

    private static String golden() throws IOException {
        try (InputStream in = MetricsPageTest.class.getResourceAsStream("/metrics-page.golden.txt")) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
