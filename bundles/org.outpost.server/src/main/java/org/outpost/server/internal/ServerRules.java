package org.outpost.server.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.outpost.api.ClusterStore;
import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.OutpostException;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.FleetDevices.NodeRule;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/** The rules the server holds for nodes, under {@code /telemetry/rules/}, pushed whole to their node after every change. */
final class ServerRules {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRules.class);
    private static final String RULES_PREFIX = DeviceHub.RULES_PREFIX;

    private final ClusterStore store;
    private final AgentSessions sessions;
    private final ObjectMapper json;

    ServerRules(ClusterStore store, AgentSessions sessions, ObjectMapper json) {
        this.store = store;
        this.sessions = sessions;
        this.json = json;
    }

    List<NodeRule> all() {
        List<NodeRule> list = new ArrayList<>();
        for (KeyValue kv : store.list(RULES_PREFIX)) {
            NodeRule rule = parseRule(kv);
            if (rule != null) list.add(rule);
        }
        list.sort(Comparator.comparing(r -> r.rule().name()));
        return list;
    }

    private NodeRule parseRule(KeyValue kv) {
        try {
            Map<String, Object> properties = json.readValue(kv.value(), new TypeReference<Map<String, Object>>() { });
            return new NodeRule(String.valueOf(properties.get("node")), RuleConfig.parse(properties, Rule.ORIGIN_SERVER));
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Rule {} is unreadable: {}", kv.key(), e.getMessage());
            return null;
        }
    }

    void put(NodeRule rule) {
        List<String> problems = new ArrayList<>(rule.rule().problems());
        if (rule.node() == null || !DeviceConfig.NAME_PATTERN.matcher(rule.node()).matches()) {
            problems.add("'" + rule.node() + "' is not a node name");
        }
        if (!problems.isEmpty()) throw new OutpostException(ErrorCode.INVALID_ARGUMENT, String.join("; ", problems));
        String key = RULES_PREFIX + rule.rule().name();
        String previousNode = store.get(key).map(this::parseRule).map(NodeRule::node).orElse(null);
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        properties.put("node", rule.node());
        properties.putAll(RuleConfig.toProperties(rule.rule()));
        try {
            store.put(key, json.writeValueAsBytes(properties));
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "cannot encode rule: " + e.getMessage());
        }
        push(rule.node());
        if (previousNode != null && !previousNode.equals(rule.node())) push(previousNode);
    }

    boolean remove(String name) {
        Optional<KeyValue> existing = store.get(RULES_PREFIX + name);
        if (existing.isEmpty()) return false;
        NodeRule rule = parseRule(existing.get());
        store.delete(RULES_PREFIX + name);
        if (rule != null) push(rule.node());
        return true;
    }

    void push(String node) {
        Channel open = sessions.get(node);
        if (open == null) return;
        ObjectNode message = json.createObjectNode();
        message.put("type", "rules");
        ArrayNode items = message.putArray("items");
        for (NodeRule rule : all()) {
            if (rule.node().equals(node)) items.add(json.valueToTree(RuleConfig.toProperties(rule.rule())));
        }
        open.writeAndFlush(new TextWebSocketFrame(message.toString()));
    }
}
