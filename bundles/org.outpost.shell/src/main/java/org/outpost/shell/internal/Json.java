package org.outpost.shell.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.outpost.api.JoinToken;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeUsage;

/**
 * JSON output through Jackson trees. Instants are written as ISO-8601 strings
 * ({@link Instant#toString()}), so no Java-time module is needed.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Pretty-printed, without a trailing newline. */
    static String write(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** {@code {"items":[...]}}. */
    static ObjectNode items(Collection<? extends JsonNode> items) {
        ObjectNode root = object();
        ArrayNode array = root.putArray("items");
        items.forEach(array::add);
        return root;
    }

    /** One node as {@code edge:nodes -o json} and {@code edge:node -o json} show it. */
    static ObjectNode node(NodeInfo n) {
        ObjectNode o = object();
        o.put("name", n.name());
        o.put("status", n.status() == null ? null : n.status().name());
        ArrayNode roles = o.putArray("roles");
        n.roles().forEach(roles::add);
        ObjectNode labels = o.putObject("labels");
        new TreeMap<>(n.labels()).forEach(labels::put);
        o.put("address", n.address());
        o.put("version", n.version());
        o.put("created", instant(n.created()));
        o.put("lastHeartbeat", instant(n.lastHeartbeat()));
        o.set("usage", usage(n.usage()));
        return o;
    }

    static JsonNode usage(NodeUsage u) {
        if (u == null) {
            return MAPPER.nullNode();
        }
        ObjectNode o = object();
        o.put("cpus", u.cpus());
        o.put("cpuLoad", u.cpuLoad());
        o.put("memoryTotal", u.memoryTotal());
        o.put("memoryUsed", u.memoryUsed());
        o.put("diskTotal", u.diskTotal());
        o.put("diskFree", u.diskFree());
        o.put("uptimeSeconds", u.uptimeSeconds());
        return o;
    }

    /** A join token as listed; never the secret. */
    static ObjectNode token(JoinToken t) {
        ObjectNode o = object();
        o.put("id", t.id());
        o.put("description", t.description());
        o.put("created", instant(t.created()));
        o.put("expires", instant(t.expires()));
        o.put("maxUses", t.maxUses());
        o.put("uses", t.uses());
        o.put("revoked", t.revoked());
        return o;
    }
}
