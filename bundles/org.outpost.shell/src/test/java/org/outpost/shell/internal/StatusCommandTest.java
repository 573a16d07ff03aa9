package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.outpost.api.AgentState;
import org.outpost.api.NodeStatus;
import org.outpost.api.ServerState;

class StatusCommandTest {

    record Server(String url) implements ServerState {
        @Override
        public Path adminTokenFile() {
            return Path.of("admin-token");
        }

        @Override
        public Path nodeTokenFile() {
            return Path.of("node-token");
        }
    }

    record Agent(String serverUrl, boolean connected, Instant lastAcknowledged, long lastRevision, String lastError,
            long reconnects, Instant lastDisconnected, String lastDisconnectReason) implements AgentState {
    }

    private static Fakes.Captured<StatusCommand> server() {
        StatusCommand c = new StatusCommand();
        c.roleManager = new Fakes.Roles("server");
        c.localNode = new Fakes.Local("edge-1", "server", Fakes.NOW.minus(Duration.ofHours(3)));
        c.serverState = new Server("https://127.0.0.1:6443");
        c.store = new Fakes.Store();
        c.registry = new Fakes.Registry(
                Fakes.node("edge-1", NodeStatus.Ready, Duration.ofHours(3), Map.of()),
                Fakes.node("pi", NodeStatus.NotReady, Duration.ofHours(1), Map.of()),
                Fakes.node("pi2", NodeStatus.Ready, Duration.ofHours(1), Map.of()));
        c.agentState = new Agent("https://127.0.0.1:6443", true, Fakes.NOW.minusSeconds(4), 42, null, 1,
                Fakes.NOW.minusSeconds(60), "refused by the server: send hello before status");
        return Fakes.capture(c);
    }

    private static Fakes.Captured<StatusCommand> agent() {
        StatusCommand c = new StatusCommand();
        c.roleManager = new Fakes.Roles("agent");
        c.localNode = new Fakes.Local("pi", "agent", Fakes.NOW.minus(Duration.ofMinutes(5)));
        c.agentState = new Agent("https://10.0.0.1:6443", false, null, 7, "join refused: token expired", 0, null, null);
        return Fakes.capture(c);
    }

    @Test
    void serverJson() throws Exception {
        var c = server();
        c.action().output = "json";
        JsonNode s = Json.MAPPER.readTree(c.run());
        assertEquals(Set.of("role", "node", "version", "uptimeSeconds", "store", "revision", "nodes", "server",
                "agent"), JsonTest.keys(s));
        assertEquals("server", s.get("role").asText());
        assertEquals("edge-1", s.get("node").asText());
        assertEquals("0.1.0", s.get("version").asText());
        assertEquals(10800, s.get("uptimeSeconds").asLong());
        assertEquals("mvstore /var/lib/outpost/server/db/state.mv", s.get("store").asText());
        assertEquals(42, s.get("revision").asLong());
        assertEquals(3, s.get("nodes").get("total").asInt());
        assertEquals(2, s.get("nodes").get("ready").asInt());
        assertEquals(1, s.get("nodes").get("notReady").asInt());
        assertEquals("https://127.0.0.1:6443", s.get("server").asText());
        JsonNode a = s.get("agent");
        assertEquals(Set.of("server", "connected", "lastAcknowledged", "lastRevision", "lastError", "reconnects",
                "lastDisconnected", "lastDisconnectReason"), JsonTest.keys(a));
        assertEquals(true, a.get("connected").asBoolean());
        assertEquals(1, a.get("reconnects").asLong());
        assertEquals("2025-06-01T11:59:00Z", a.get("lastDisconnected").asText());
        assertEquals("refused by the server: send hello before status", a.get("lastDisconnectReason").asText());
        assertEquals("2025-06-01T11:59:56Z", a.get("lastAcknowledged").asText());
        assertEquals(true, a.get("lastError").isNull());
    }

    @Test
    void agentJsonOmitsServerKeys() throws Exception {
        var c = agent();
        c.action().output = "json";
        JsonNode s = Json.MAPPER.readTree(c.run());
        assertEquals(Set.of("role", "node", "version", "uptimeSeconds", "agent"), JsonTest.keys(s));
        assertEquals("agent", s.get("role").asText());
        assertEquals(300, s.get("uptimeSeconds").asLong());
        assertFalse(s.get("agent").get("connected").asBoolean());
        assertEquals("join refused: token expired", s.get("agent").get("lastError").asText());
        assertEquals(true, s.get("agent").get("lastAcknowledged").isNull());
    }

    @Test
    void serverText() throws Exception {
        assertEquals(String.join("\n",
                "role: server",
                "node: edge-1",
                "version: 0.1.0",
                "uptime: 3h",
                "store: mvstore /var/lib/outpost/server/db/state.mv",
                "revision: 42",
                "nodes: 3 total, 2 ready, 1 not ready",
                "server: https://127.0.0.1:6443",
                "agent: connected to https://127.0.0.1:6443",
                "agent last acknowledged: 2025-06-01T11:59:56Z (4s ago)",
                "agent last revision: 42",
                "agent reconnects: 1",
                "agent last disconnect: 2025-06-01T11:59:00Z (1m ago): refused by the server: send hello before status",
                ""), server().run());
    }

    @Test
    void agentText() throws Exception {
        assertEquals(String.join("\n",
                "role: agent",
                "node: pi",
                "version: 0.1.0",
                "uptime: 5m",
                "agent: disconnected to https://10.0.0.1:6443",
                "agent last acknowledged: never",
                "agent last revision: 7",
                "agent reconnects: 0",
                "agent last error: join refused: token expired",
                ""), agent().run());
    }

    @Test
    void serverStillStartingShowsWhatItHas() throws Exception {
        StatusCommand c = new StatusCommand();
        c.roleManager = new Fakes.Roles("server");
        var cap = Fakes.capture(c);
        c.output = "json";
        JsonNode s = Json.MAPPER.readTree(cap.run());
        assertEquals(Set.of("role", "node", "version", "uptimeSeconds", "store", "revision", "nodes", "server"),
                JsonTest.keys(s));
        assertEquals(true, s.get("nodes").isNull());
    }
}
