package org.outpost.server.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.outpost.api.ClusterStore;
import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.OutpostException;
import org.outpost.api.device.Alert;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.FleetDevices;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleConfig;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.api.device.ValueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * The server's view of every node's devices (protocol in docs/agent-protocol.md, "Devices"):
 * the agents' device reports, the readings they forward — kept as latest values and a bounded
 * history per channel, each reading once (by outbox sequence number, per node and lane) — and the
 * rules, stored under {@code /telemetry/rules/} and pushed to the node they run on.
 */
final class DeviceHub implements FleetDevices {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceHub.class);
    static final String RULES_PREFIX = "/telemetry/rules/";
    static final String SEQ_PREFIX = "/telemetry/seq/";
    private static final int URGENT_MAX = 2;
    private static final long SEQ_PERSIST_MILLIS = 1_000;
    private static final long WRITE_TIMEOUT_MILLIS = 15_000;
    private static final int ALERTS_KEPT = 200;

    private final ClusterStore store;
    private final AgentSessions sessions;
    private final ObjectMapper json;
    private final int historyPerChannel;
    private final Map<String, NodeState> nodes = new ConcurrentHashMap<>();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final Map<Long, CompletableFuture<JsonNode>> writes = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final ArrayDeque<StoredAlert> alerts = new ArrayDeque<>(); // guarded by itself

    DeviceHub(ClusterStore store, AgentSessions sessions, ObjectMapper json, int historyPerChannel) {
        this.store = store;
        this.sessions = sessions;
        this.json = json;
        this.historyPerChannel = historyPerChannel;
    }

    /** A reading as the server keeps it: with the outbox sequence number it came with. */
    record Stored(long seq, Reading reading) {
    }

    /** An alert as the server keeps it, with its node and sequence number. */
    record StoredAlert(String node, long seq, Alert alert) {
    }

    private static final class NodeState {
        final Map<String, ArrayDeque<Stored>> history = new ConcurrentHashMap<>();
        volatile Map<String, DeviceState> devices = Map.of();
        volatile JsonNode outbox;
        volatile long reportedAt;
        final long[] highest = {-1, -1};
        /** The certificate serial of the identity the sequence numbers belong to. */
        String identity;
        long highestPersistedAt;
        final AtomicLong received = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
    }

    private NodeState state(String node) {
        return nodes.computeIfAbsent(node, n -> new NodeState());
    }

    // from agents

    /**
     * One batch of readings and alerts from a node's outbox. New ones are kept; ones already kept
     * (sent again after a lost channel) are dropped. Sequence numbers count per node identity
     * ({@code certSerial}): a node that joined afresh, e.g. with a new data directory, starts a new
     * outbox at 1. Returns the acknowledgement to send.
     */
    ObjectNode readings(String node, String certSerial, JsonNode message) {
        NodeState state = state(node);
        synchronized (state) {
            if (state.highest[0] < 0 || !certSerial.equals(state.identity)) loadHighest(node, certSerial, state);
            Base64.Decoder base64 = Base64.getDecoder();
            for (JsonNode item : message.path("items")) {
                long seq = item.path("seq").asLong(-1);
                int lane = item.path("priority").asInt(5) <= URGENT_MAX ? 0 : 1;
                if (seq < 0) throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "readings: an item has no seq");
                if (seq <= state.highest[lane]) {
                    state.duplicates.incrementAndGet();
                    continue;
                }
                Object record = TelemetryCodec.decode(base64.decode(item.path("data").asText()));
                state.highest[lane] = seq;
                state.received.incrementAndGet();
                if (record instanceof Reading reading) {
                    keep(node, state, new Stored(seq, reading));
                } else if (record instanceof Alert alert) {
                    LOG.warn("Alert from {}: {} {} on {}/{}: {}", node, alert.rule(), alert.active() ? "raised" : "cleared",
                            alert.device(), alert.channel(), alert.message());
                    synchronized (alerts) {
                        if (alerts.size() == ALERTS_KEPT) alerts.removeFirst();
                        alerts.addLast(new StoredAlert(node, seq, alert));
                    }
                    notifyFollowers(node, new Reading(alert.device(), alert.channel(), alert.timestamp(), ValueType.STRING,
                            (alert.active() ? "ALERT " : "CLEARED ") + alert.rule() + ": " + alert.message(), Quality.GOOD, ""));
                }
            }
            long now = System.currentTimeMillis();
            if (now - state.highestPersistedAt >= SEQ_PERSIST_MILLIS) persistHighest(node, state, now);
        }
        ObjectNode ack = json.createObjectNode();
        ack.put("type", "readings-ack");
        ack.put("batch", message.path("batch").asLong());
        return ack;
    }

    private void keep(String node, NodeState state, Stored stored) {
        Reading reading = stored.reading();
        ArrayDeque<Stored> history = state.history.computeIfAbsent(reading.device() + "/" + reading.channel(),
                k -> new ArrayDeque<>());
        synchronized (history) {
            if (history.size() == historyPerChannel) history.removeFirst();
            history.addLast(stored);
        }
        notifyFollowers(node, reading);
    }

    private void notifyFollowers(String node, Reading reading) {
        for (Follower follower : followers) {
            if (follower.matches(node, reading)) {
                try {
                    follower.sink().accept(reading);
                } catch (RuntimeException e) {
                    followers.remove(follower);
                }
            }
        }
    }

    /** The node's device report: its devices (replacing the last report) and its outbox figures. */
    void reported(String node, JsonNode message) {
        Map<String, DeviceState> devices = new HashMap<>();
        for (JsonNode item : message.path("items")) {
            try {
                DeviceState device = json.treeToValue(item, DeviceState.class);
                if (device.device() != null && DeviceConfig.NAME_PATTERN.matcher(device.name()).matches()) {
                    devices.put(device.name(), device);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Unreadable device in {}'s report: {}", node, e.toString());
            }
        }
        NodeState state = state(node);
        state.devices = Map.copyOf(devices);
        state.outbox = message.path("outbox");
        state.reportedAt = System.currentTimeMillis();
        // history stays even for devices missing from this report: a restarting agent reports before
        // its configurations are back, and the readings it forwarded are gone from its outbox
    }

    void writeResult(JsonNode message) {
        CompletableFuture<JsonNode> pending = writes.remove(message.path("request").asLong());
        if (pending != null) pending.complete(message);
    }

    /** The node's channel opened: it gets its rules. */
    void connected(String node) {
        pushRules(node);
    }

    void disconnected(String node) {
        NodeState state = nodes.get(node);
        if (state != null) {
            synchronized (state) {
                persistHighest(node, state, System.currentTimeMillis());
            }
        }
    }

    private void loadHighest(String node, String certSerial, NodeState state) {
        Optional<KeyValue> saved = store.get(SEQ_PREFIX + node);
        state.highest[0] = 0;
        state.highest[1] = 0;
        state.identity = certSerial;
        if (saved.isEmpty()) return;
        try {
            JsonNode value = json.readTree(saved.get().value());
            if (!certSerial.equals(value.path("identity").asText())) return;
            state.highest[0] = value.path("urgent").asLong(0);
            state.highest[1] = value.path("normal").asLong(0);
        } catch (IOException e) {
            LOG.warn("Unreadable {}{}; counting from 0", SEQ_PREFIX, node);
        }
    }

    private void persistHighest(String node, NodeState state, long now) {
        if (state.highest[0] < 0) return;
        ObjectNode value = json.createObjectNode();
        value.put("identity", state.identity);
        value.put("urgent", state.highest[0]);
        value.put("normal", state.highest[1]);
        try {
            store.put(SEQ_PREFIX + node, json.writeValueAsBytes(value));
            state.highestPersistedAt = now;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot record {}'s reading sequence: {}", node, e.toString());
        }
    }

    // FleetDevices

    @Override
    public List<NodeDevice> devices() {
        List<NodeDevice> list = new ArrayList<>();
        nodes.forEach((node, state) -> state.devices.values().forEach(device -> list.add(new NodeDevice(node, device))));
        list.sort(Comparator.comparing(NodeDevice::node).thenComparing(d -> d.state().name()));
        return list;
    }

    @Override
    public NodeDevice device(String node, String device) {
        NodeState state = nodes.get(node);
        DeviceState found = state == null ? null : state.devices.get(device);
        return found == null ? null : new NodeDevice(node, found);
    }

    private NodeDevice existing(String node, String device) {
        NodeDevice found = device(node, device);
        if (found == null) throw new OutpostException(ErrorCode.NOT_FOUND, "no device " + node + "/" + device);
        return found;
    }

    @Override
    public List<Reading> latest(String node, String device) {
        NodeDevice found = existing(node, device);
        NodeState state = nodes.get(node);
        List<Reading> list = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (org.outpost.api.device.Channel channel : found.state().device().channels()) {
            if (!channel.mode().readable()) continue;
            Stored last = last(state, device + "/" + channel.name());
            list.add(last != null ? last.reading() : Reading.bad(device, channel.name(), now, "no reading yet"));
        }
        state.history.forEach((key, history) -> {
            if (key.startsWith(device + "/") && found.state().device().channel(key.substring(device.length() + 1)) == null) {
                Stored last = last(state, key);
                if (last != null) list.add(last.reading());
            }
        });
        return list;
    }

    private static Stored last(NodeState state, String key) {
        ArrayDeque<Stored> history = state.history.get(key);
        if (history == null) return null;
        synchronized (history) {
            return history.peekLast();
        }
    }

    @Override
    public List<Reading> history(String node, String device, String channel, int limit) {
        return stored(node, device, channel, limit).stream().map(Stored::reading).toList();
    }

    /** The kept readings with their sequence numbers, oldest first. */
    List<Stored> stored(String node, String device, String channel, int limit) {
        existing(node, device);
        NodeState state = nodes.get(node);
        List<Stored> list = new ArrayList<>();
        state.history.forEach((key, history) -> {
            if (channel == null ? key.startsWith(device + "/") : key.equals(device + "/" + channel)) {
                synchronized (history) {
                    list.addAll(history);
                }
            }
        });
        list.sort(Comparator.comparingLong(Stored::seq));
        int from = limit > 0 ? Math.max(0, list.size() - limit) : 0;
        return list.subList(from, list.size());
    }

    @Override
    public Closeable follow(String node, String device, String channel, Consumer<Reading> sink) {
        existing(node, device);
        Follower follower = new Follower(node, device, channel, sink);
        followers.add(follower);
        return () -> followers.remove(follower);
    }

    @Override
    public Reading write(String node, String device, String channel, String value) {
        existing(node, device);
        Channel open = sessions.get(node);
        if (open == null) throw new OutpostException(ErrorCode.UNAVAILABLE, "node " + node + " is not connected");
        long id = requests.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        writes.put(id, answer);
        ObjectNode request = json.createObjectNode();
        request.put("type", "device-write");
        request.put("request", id);
        request.put("device", device);
        request.put("channel", channel);
        request.put("value", value);
        open.writeAndFlush(new TextWebSocketFrame(request.toString()));
        JsonNode reply;
        try {
            reply = answer.get(WRITE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "node " + node + " did not answer the write within 15 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutpostException(ErrorCode.UNAVAILABLE, "interrupted");
        } catch (ExecutionException e) {
            throw new OutpostException(ErrorCode.INTERNAL, String.valueOf(e.getCause()));
        } finally {
            writes.remove(id);
        }
        if (reply.hasNonNull("error")) {
            ErrorCode code;
            try {
                code = ErrorCode.valueOf(reply.path("code").asText("internal").toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                code = ErrorCode.INTERNAL;
            }
            throw new OutpostException(code, reply.path("error").asText());
        }
        JsonNode reading = reply.path("reading");
        Object written = reading.path("value").isNumber() ? reading.path("value").numberValue()
                : reading.path("value").isBoolean() ? (Object) reading.path("value").booleanValue() : reading.path("value").asText();
        return Reading.good(device, channel, reading.path("timestamp").asLong(System.currentTimeMillis()), written);
    }

    @Override
    public List<NodeRule> rules() {
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

    @Override
    public void putRule(NodeRule rule) {
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
        pushRules(rule.node());
        if (previousNode != null && !previousNode.equals(rule.node())) pushRules(previousNode);
    }

    @Override
    public boolean removeRule(String name) {
        Optional<KeyValue> existing = store.get(RULES_PREFIX + name);
        if (existing.isEmpty()) return false;
        NodeRule rule = parseRule(existing.get());
        store.delete(RULES_PREFIX + name);
        if (rule != null) pushRules(rule.node());
        return true;
    }

    private void pushRules(String node) {
        Channel open = sessions.get(node);
        if (open == null) return;
        ObjectNode message = json.createObjectNode();
        message.put("type", "rules");
        ArrayNode items = message.putArray("items");
        for (NodeRule rule : rules()) {
            if (rule.node().equals(node)) items.add(json.valueToTree(RuleConfig.toProperties(rule.rule())));
        }
        open.writeAndFlush(new TextWebSocketFrame(message.toString()));
    }

    @Override
    public List<NodeTelemetry> telemetry() {
        List<NodeTelemetry> list = new ArrayList<>();
        nodes.forEach((node, state) -> {
            JsonNode outbox = state.outbox == null ? json.createObjectNode() : state.outbox;
            list.add(new NodeTelemetry(node, outbox.path("depth").asLong(), outbox.path("bytes").asLong(),
                    outbox.path("oldestAppendedAt").asLong(), outbox.path("appendRate").asDouble(),
                    outbox.path("droppedTotal").asLong(), state.received.get(), state.duplicates.get(), state.reportedAt));
        });
        list.sort(Comparator.comparing(NodeTelemetry::node));
        return list;
    }

    /** Per-node telemetry figures in the Prometheus text format, for /metrics. */
    String metrics() {
        StringBuilder out = new StringBuilder(512);
        List<NodeTelemetry> all = telemetry();
        gauge(out, all, "outpost_readings_received_total", "counter", "Readings and alerts the server kept, by node.", t -> t.received());
        gauge(out, all, "outpost_readings_duplicates_total", "counter", "Readings sent again after a lost channel and dropped as already kept.", t -> t.duplicates());
        gauge(out, all, "outpost_outbox_depth", "gauge", "Records in the node's outbox not yet acknowledged by every consumer.", t -> t.depth());
        gauge(out, all, "outpost_outbox_bytes", "gauge", "Bytes of the node's outbox on disk.", t -> t.bytes());
        gauge(out, all, "outpost_outbox_dropped_total", "counter", "Records the node's outbox dropped at its size or age bound (oldest low-priority first).", t -> t.dropped());
        return out.toString();
    }

    private static void gauge(StringBuilder out, List<NodeTelemetry> all, String name, String type, String help,
            java.util.function.ToLongFunction<NodeTelemetry> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
        for (NodeTelemetry node : all) {
            out.append(name).append("{node=\"").append(node.node()).append("\"} ").append(value.applyAsLong(node)).append('\n');
        }
    }

    List<StoredAlert> alerts() {
        synchronized (alerts) {
            return List.copyOf(alerts);
        }
    }

    private record Follower(String node, String device, String channel, Consumer<Reading> sink) {
        boolean matches(String fromNode, Reading reading) {
            return node.equals(fromNode) && device.equals(reading.device())
                    && (channel == null || channel.equals(reading.channel()) || reading.channel().startsWith(channel + "."));
        }
    }
}
