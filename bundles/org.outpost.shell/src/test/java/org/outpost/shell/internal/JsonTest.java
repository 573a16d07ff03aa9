package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.outpost.api.JoinToken;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeStatus;

class JsonTest {

    static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Checks the item shape shared by edge:nodes -o json and edge:node -o json. */
    static void assertNodeShape(JsonNode n) {
        assertEquals(Set.of("name", "status", "roles", "labels", "address", "version", "created", "lastHeartbeat",
                "usage"), keys(n));
        assertTrue(n.get("roles").isArray());
        assertTrue(n.get("labels").isObject());
        assertTrue(n.get("created").isTextual());
        assertEquals(Set.of("cpus", "cpuLoad", "memoryTotal", "memoryUsed", "diskTotal", "diskFree",
                "uptimeSeconds"), keys(n.get("usage")));
    }

    @Test
    void nodeShapeRoundTripsThroughJackson() throws Exception {
        NodeInfo node = Fakes.node("edge-1", NodeStatus.Ready, Duration.ofMinutes(5), Map.of("zone", "north"),
                "server", "agent");
        JsonNode n = Json.MAPPER.readTree(Json.write(Json.node(node)));
        assertNodeShape(n);
        assertEquals("edge-1", n.get("name").asText());
        assertEquals("Ready", n.get("status").asText());
        assertEquals(List.of("server", "agent"), List.of(n.get("roles").get(0).asText(), n.get("roles").get(1).asText()));
        assertEquals("north", n.get("labels").get("zone").asText());
        assertEquals("10.0.0.7", n.get("address").asText());
        assertEquals("0.1.0", n.get("version").asText());
        assertEquals(Fakes.NOW.minus(Duration.ofMinutes(5)), Instant.parse(n.get("created").asText()));
        assertEquals("2025-06-01T11:59:55Z", n.get("lastHeartbeat").asText());
        JsonNode u = n.get("usage");
        assertEquals(4, u.get("cpus").asInt());
        assertEquals(0.25, u.get("cpuLoad").asDouble());
        assertEquals(8L << 30, u.get("memoryTotal").asLong());
        assertEquals(3600, u.get("uptimeSeconds").asLong());
    }

    @Test
    void missingValuesAreJsonNull() throws Exception {
        NodeInfo node = new NodeInfo("n", NodeStatus.NotReady, List.of(), Map.of(), null, null, null, null, null, null, false, null);
        JsonNode n = Json.MAPPER.readTree(Json.write(Json.node(node)));
        assertEquals("NotReady", n.get("status").asText());
        assertTrue(n.get("created").isNull());
        assertTrue(n.get("lastHeartbeat").isNull());
        assertTrue(n.get("usage").isNull());
        assertEquals(0, n.get("roles").size());
    }

    @Test
    void tokenNeverCarriesTheSecret() throws Exception {
        JoinToken t = new JoinToken("abc", "ci", Fakes.NOW, null, 3, 1, false, "K10x::abc.secret");
        JsonNode o = Json.MAPPER.readTree(Json.write(Json.token(t)));
        assertEquals(Set.of("id", "description", "created", "expires", "maxUses", "uses", "revoked"), keys(o));
        assertFalse(o.toString().contains("secret"));
        assertTrue(o.get("expires").isNull());
    }

    @Test
    void itemsWrapsAnArray() throws Exception {
        JsonNode root = Json.MAPPER.readTree(Json.write(Json.items(List.of())));
        assertEquals(Set.of("items"), keys(root));
        assertTrue(root.get("items").isArray());
    }
}
