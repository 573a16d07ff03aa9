package org.outpost.server.internal;

import org.outpost.api.NodeInfo;
import org.outpost.api.NodeUsage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON shape of a node in the API and on the agent channel (same as {@code edge:nodes -o json}). */
final class NodeJson {
    private NodeJson() {
    }

    static ObjectNode of(ObjectMapper json, NodeInfo node) {
        ObjectNode out = json.createObjectNode();
        out.put("name", node.name());
        out.put("status", node.status().name());
        node.roles().forEach(out.putArray("roles")::add);
        ObjectNode labels = out.putObject("labels");
        node.labels().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> labels.put(e.getKey(), e.getValue()));
        out.put("address", node.address());
        out.put("version", node.version());
        out.put("created", node.created() == null ? null : node.created().toString());
        out.put("lastHeartbeat", node.lastHeartbeat() == null ? null : node.lastHeartbeat().toString());
        NodeUsage u = node.usage();
        ObjectNode usage = out.putObject("usage");
        usage.put("cpus", u.cpus());
        usage.put("cpuLoad", u.cpuLoad());
        usage.put("memoryTotal", u.memoryTotal());
        usage.put("memoryUsed", u.memoryUsed());
        usage.put("diskTotal", u.diskTotal());
        usage.put("diskFree", u.diskFree());
        usage.put("uptimeSeconds", u.uptimeSeconds());
        return out;
    }
}
