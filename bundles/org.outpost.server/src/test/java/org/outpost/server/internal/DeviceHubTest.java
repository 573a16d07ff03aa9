package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.OutpostException;
import org.outpost.api.device.Alert;
import org.outpost.api.device.Channel;
import org.outpost.api.device.ChannelMode;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.DeviceStatus;
import org.outpost.api.device.FleetDevices.NodeRule;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleKind;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.api.device.ValueType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/** The server's side of device telemetry, on the real embedded store. */
class DeviceHubTest {

    @TempDir
    Path dir;

    private static ObjectNode batch(ServerFixture server, long batch, long firstSeq, int count) {
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
                    new Reading("boiler", "temp", 1_000 + seq, ValueType.DOUBLE, (double) seq, Quality.GOOD, ""))));
        }
        return message;
    }

    private static void report(ServerFixture server, DeviceHub hub) {
        Device boiler = new Device("boiler", "modbus-tcp", Map.of("host", "h"),
                List.of(new Channel("temp", ChannelMode.READ, ValueType.DOUBLE, 0.1, 0, "C", 1000, false, true, Map.of())));
        ObjectNode report = server.json.createObjectNode();
        report.put("type", "devices");
        report.putArray("items").add(server.json.valueToTree(new DeviceState(boiler, DeviceStatus.Connected, "", 5, 10, 0)));
        report.putObject("outbox").put("depth", 7).put("droppedTotal", 2);
        hub.reported("gw-1", report);
    }

    @Test
    void readingsAreKeptOnceAndAcknowledgedByBatch() throws Exception {
        try (ServerFixture server = new ServerFixture(dir)) {
            DeviceHub hub = new DeviceHub(server.store, new AgentSessions(), server.json, 100);
            report(server, hub);
            JsonNode ack = hub.readings("gw-1", "serial-1", batch(server, 1, 1, 10));
            assertEquals("readings-ack", ack.path("type").asText());
            assertEquals(1, ack.path("batch").asLong());
            // a lost channel: the agent sends 6..15 again, then 16..20
            hub.readings("gw-1", "serial-1", batch(server, 1, 6, 10));
            hub.readings("gw-1", "serial-1", batch(server, 2, 16, 5));
            List<DeviceHub.Stored> kept = hub.stored("gw-1", "boiler", "temp", 0);
            assertEquals(20, kept.size());
            for (int i = 0; i < 20; i++) assertEquals(i + 1, kept.get(i).seq());
            assertEquals(20.0, hub.latest("gw-1", "boiler").get(0).value());
            assertEquals(3, hub.history("gw-1", "boiler", "temp", 3).size());
            var telemetry = hub.telemetry().get(0);
            assertEquals(20, telemetry.received());
            assertEquals(5, telemetry.duplicates());
            assertEquals(7, telemetry.depth());
            assertTrue(PrometheusText.page(hub::writeMetrics).contains("outpost_outbox_dropped_total{node=\"gw-1\"} 2"), PrometheusText.page(hub::writeMetrics));

            // a restarted server knows what it kept (recorded in the store when the channel closed)
            hub.disconnected("gw-1");
            DeviceHub restarted = new DeviceHub(server.store, new AgentSessions(), server.json, 100);
            report(server, restarted);
            restarted.readings("gw-1", "serial-1", batch(server, 1, 18, 5));
            assertEquals(List.of(21L, 22L), restarted.stored("gw-1", "boiler", "temp", 0).stream().map(DeviceHub.Stored::seq).toList());

            // the node joined afresh (new identity, new data directory): its new outbox counts from 1 again
            restarted.readings("gw-1", "serial-2", batch(server, 1, 1, 3));
            assertEquals(List.of(1L, 2L, 3L, 21L, 22L),
                    restarted.stored("gw-1", "boiler", "temp", 0).stream().map(DeviceHub.Stored::seq).toList());
        }
    }

    @Test
    void historyIsBoundedAndUnknownDevicesAreNotFound() throws Exception {
        try (ServerFixture server = new ServerFixture(dir)) {
            DeviceHub hub = new DeviceHub(server.store, new AgentSessions(), server.json, 5);
            report(server, hub);
            hub.readings("gw-1", "serial-1", batch(server, 1, 1, 12));
            assertEquals(List.of(8L, 9L, 10L, 11L, 12L), hub.stored("gw-1", "boiler", null, 0).stream().map(DeviceHub.Stored::seq).toList());
            assertThrows(OutpostException.class, () -> hub.latest("gw-1", "pump"));
            assertNull(hub.device("gw-2", "boiler"));
        }
    }

    @Test
    void alertsAreKeptWithTheirSequenceNumbers() throws Exception {
        try (ServerFixture server = new ServerFixture(dir)) {
            DeviceHub hub = new DeviceHub(server.store, new AgentSessions(), server.json, 5);
            ObjectNode message = server.json.createObjectNode();
            message.put("batch", 3);
            ObjectNode item = message.putArray("items").addObject();
            item.put("seq", 4);
            item.put("priority", 2);
            item.put("data", Base64.getEncoder().encodeToString(TelemetryCodec.encode(
                    new Alert("hot", "boiler", "temp", 9, true, 95, "temp > 90"))));
            hub.readings("gw-1", "serial-1", message);
            hub.readings("gw-1", "serial-1", batch(server, 4, 3, 1));
            assertEquals(1, hub.alerts().size());
            assertEquals(4, hub.alerts().get(0).seq());
            assertEquals(1, hub.telemetry().get(0).received() - 1, "the urgent lane counts apart: reading 3 is new");
        }
    }

    @Test
    void rulesAreStoredAndPushedToTheirNode() throws Exception {
        try (ServerFixture server = new ServerFixture(dir)) {
            AgentSessions sessions = new AgentSessions();
            EmbeddedChannel gw1 = new EmbeddedChannel();
            sessions.open("gw-1", gw1);
            DeviceHub hub = new DeviceHub(server.store, sessions, server.json, 5);
            Rule rule = new Rule("hot", "boiler", "temp", RuleKind.THRESHOLD, 90.0, null, 5_000, 1, 0, 0, Rule.ORIGIN_SERVER);
            hub.putRule(new NodeRule("gw-1", rule));
            TextWebSocketFrame pushed = gw1.readOutbound();
            JsonNode message = server.json.readTree(pushed.text());
            pushed.release();
            assertEquals("rules", message.path("type").asText());
            assertEquals("hot", message.path("items").get(0).path("rule.name").asText());
            assertEquals(5000, message.path("items").get(0).path("for").asLong());
            assertEquals(List.of(new NodeRule("gw-1", rule)), hub.rules());

            OutpostException bad = assertThrows(OutpostException.class, () -> hub.putRule(new NodeRule("gw-1",
                    new Rule("both", "boiler", "temp", RuleKind.THRESHOLD, 1.0, 2.0, 0, 0, 0, 0, null))));
            assertTrue(bad.getMessage().contains("exactly one of --above and --below"), bad.getMessage());

            assertTrue(hub.removeRule("hot"));
            TextWebSocketFrame emptied = gw1.readOutbound();
            assertEquals(0, server.json.readTree(emptied.text()).path("items").size());
            emptied.release();
            assertTrue(hub.rules().isEmpty());
            assertTrue(!hub.removeRule("hot"));
        }
    }
}
