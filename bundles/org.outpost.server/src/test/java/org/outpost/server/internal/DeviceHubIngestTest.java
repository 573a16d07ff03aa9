package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.OutpostException;
import org.outpost.api.device.Channel;
import org.outpost.api.device.ChannelMode;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.DeviceStatus;
import org.outpost.api.device.FleetDevices.NodeIngest;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.api.device.ValueType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The server's ingest limits: a node beyond its budget is paced, and what the server keeps stays within its memory bound. */
class DeviceHubIngestTest {

    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicReference<IngestLimits.Settings> limits = new AtomicReference<>(
            new IngestLimits.Settings(1_000, 64L << 20, 4_096));

    private DeviceHub hub(ServerFixture server, int perChannel) {
        return new DeviceHub(server.store, new AgentSessions(), server.json, perChannel, limits::get, nanos::get);
    }

    /** {@code count} readings from {@code channels} channels of device {@code device}, round robin. */
    private static ObjectNode batch(ServerFixture server, long batch, long firstSeq, int count, String device, int channels,
            Object value) {
        ObjectNode message = server.json.createObjectNode();
        message.put("type", "readings");
        message.put("batch", batch);
        ArrayNode items = message.putArray("items");
        for (int i = 0; i < count; i++) {
            long seq = firstSeq + i;
            ObjectNode item = items.addObject();
            item.put("seq", seq);
            item.put("priority", 5);
            item.put("data", Base64.getEncoder().encodeToString(TelemetryCodec.encode(
                    Reading.good(device, "c" + (i % channels), 1_000 + seq, value))));
        }
        return message;
    }

    private static void report(ServerFixture server, DeviceHub hub, String node, String device, int channels) {
        List<Channel> list = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            list.add(new Channel("c" + i, ChannelMode.READ, ValueType.DOUBLE, 1, 0, "", 10, false, true, Map.of()));
        }
        ObjectNode report = server.json.createObjectNode();
        report.put("type", "devices");
        report.putArray("items").add(server.json.valueToTree(
                new DeviceState(new Device(device, "simulated", Map.of(), list), DeviceStatus.Connected, "", 0, 0, 0)));
        report.putObject("outbox").put("depth", 0).put("droppedTotal", 3);
        report.put("outboxRefused", 4);
        hub.reported(node, report);
    }

    private static NodeIngest ingest(DeviceHub hub, String node) {
        return hub.ingest().stream().filter(n -> n.node().equals(node)).findFirst().orElseThrow();
    }

    @Test
    void aNodeBeyondItsBudgetIsPacedAndOnlyThatNodeIsCounted() throws Exception {
        try (ServerFixture server = new ServerFixture(dir)) {
            DeviceHub hub = hub(server, 100);
            report(server, hub, "flood", "pump", 10);
            report(server, hub, "quiet", "meter", 1);
            long seq = 1;
            List<Long> waits = new ArrayList<>();
            for (int batch = 1; batch <= 4; batch++) {
                JsonNode ack = hub.readings("flood", "s1", batch(server, batch, seq, 500, "pump", 10, 1.5));
                seq += 500;
                assertEquals(batch, ack.path("batch").asLong());
                waits.add(ack.path("throttledMillis").asLong(0));
            }
            assertEquals(List.of(0L, 0L, 500L, 1_000L), waits, "1000/s, one second's worth at once: the third batch of 500 waits");
            JsonNode quiet = hub.readings("quiet", "s2", batch(server, 1, 1, 10, "meter", 1, 2.5));
            assertFalse(quiet.has("throttledMillis"), "another node has its own budget: " + quiet);

            NodeIngest flood = ingest(hub, "flood");
            assertEquals(2_000, flood.accepted(), "throttled readings are kept, not dropped");
            assertEquals(1_000, flood.throttled());
            assertEquals(1_500, flood.throttledMillis());
            assertEquals(3, flood.outboxDropped());
            assertEquals(4, flood.outboxRefused());
            assertEquals(0, ingest(hub, "quiet").throttled());
            String metrics = PrometheusText.page(hub::writeMetrics);
            assertTrue(metrics.contains("outpost_ingest_throttled_total{node=\"flood\"} 1000"), metrics);
            assertTrue(metrics.contains("outpost_ingest_throttled_total{node=\"quiet\"} 0"), metrics);
            assertTrue(metrics.contains("outpost_ingest_throttled_seconds_total{node=\"flood\"} 1.5"), metrics);
            assertTrue(metrics.contains("outpost_outbox_refused_total{node=\"flood\"} 4"), metrics);
            assertTrue(metrics.contains("outpost_ingest_budget_readings_per_second 1000"), metrics);

            // the budget refills with time: a node back within it waits for nothing
            nanos.addAndGet(5_000_000_000L);
            assertFalse(hub.readings("flood", "s1", batch(server, 5, seq, 100, "pump", 10, 1.5)).has("throttledMillis"));
            // and a change of the budget applies at once
            limits.set(new IngestLimits.Settings(50, 64L << 20, 4_096));
            assertEquals(1_000, hub.readings("flood", "s1", batch(server, 6, seq + 100, 100, "pump", 10, 1.5))
                    .path("throttledMillis").asLong());
        }
    }

    @Test
    void aBatchLargerThanTheProtocolAllowsIsRefused() throws Exception {
        try (ServerFixture server = new ServerFixture(dir)) {
            DeviceHub hub = hub(server, 100);
            OutpostException refused = assertThrows(OutpostException.class,
                    () -> hub.readings("flood", "s1", batch(server, 1, 1, 501, "pump", 10, 1.5)));
            assertTrue(refused.getMessage().contains("at most 500 items; this one has 501"), refused.getMessage());
        }
    }

    @Test
    void theHistoryStaysWithinItsMemoryBoundWhateverNodesSend() throws Exception {
        try (ServerFixture server = new ServerFixture(dir)) {
            long bound = 2L << 20;
            limits.set(new IngestLimits.Settings(0, bound, 4_096));
            DeviceHub hub = hub(server, 1_000);
            long seq = 1;
            // 4 nodes, 200 channels each, 100 readings per channel, then some channels with long strings
            for (int node = 0; node < 4; node++) {
                report(server, hub, "gw-" + node, "d", 200);
                for (int batch = 0; batch < 40; batch++) {
                    hub.readings("gw-" + node, "s", batch(server, batch, seq, 500, "d", 200, (double) seq));
                    seq += 500;
                }
            }
            String text = "x".repeat(900);
            for (int batch = 0; batch < 40; batch++) {
                hub.readings("gw-0", "s", batch(server, 100 + batch, seq, 500, "d", 200, text));
                seq += 500;
            }
            String metrics = PrometheusText.page(hub::writeMetrics);
            long kept = Long.parseLong(metrics.lines().filter(l -> l.startsWith("outpost_readings_history_bytes "))
                    .findFirst().orElseThrow().substring("outpost_readings_history_bytes ".length()));
            assertTrue(kept <= bound * 1.12, "kept " + kept + " bytes; bound " + bound);
            assertTrue(kept > bound / 2, "the budget is used, not wasted: " + kept);
            // every channel still has its latest reading
            for (int node = 0; node < 4; node++) {
                for (Reading latest : hub.latest("gw-" + node, "d")) {
                    assertEquals(Quality.GOOD, latest.quality(), "gw-" + node + " " + latest);
                }
            }
            assertEquals(text, hub.latest("gw-0", "d").get(0).value());
        }
    }

    @Test
    void channelsBeyondTheNodeLimitAreAcknowledgedAndCountedNotKept() throws Exception {
        try (ServerFixture server = new ServerFixture(dir)) {
            limits.set(new IngestLimits.Settings(0, 8L << 20, 5));
            DeviceHub hub = hub(server, 100);
            report(server, hub, "gw-1", "d", 8);
            JsonNode ack = hub.readings("gw-1", "s", batch(server, 1, 1, 80, "d", 8, 1.0));
            assertEquals(1, ack.path("batch").asLong());
            assertEquals(30, ingest(hub, "gw-1").notKept(), "3 of 8 channels found no room, 10 readings each");
            assertEquals(80, ingest(hub, "gw-1").accepted());
            List<Reading> latest = hub.latest("gw-1", "d");
            assertEquals(Quality.BAD, latest.get(7).quality(), "c7 has no reading at the server: " + latest.get(7));
            assertTrue(PrometheusText.page(hub::writeMetrics).contains("outpost_ingest_not_kept_total{node=\"gw-1\"} 30"), PrometheusText.page(hub::writeMetrics));

            // a large value is kept as a BAD reading naming its size, and counted
            hub.readings("gw-1", "s", batch(server, 2, 100, 1, "d", 1, "y".repeat(5_000)));
            Reading big = hub.latest("gw-1", "d").get(0);
            assertEquals(Quality.BAD, big.quality());
            assertTrue(big.reason().contains("the server keeps values up to 1024 bytes"), big.reason());
            assertEquals(31, ingest(hub, "gw-1").notKept());

            // a deleted node's readings are forgotten
            hub.forget("gw-1");
            assertTrue(hub.ingest().isEmpty());
            assertNotNull(PrometheusText.page(hub::writeMetrics));
        }
    }
}
