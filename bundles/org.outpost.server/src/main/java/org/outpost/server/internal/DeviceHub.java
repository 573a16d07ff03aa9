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
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.outpost.api.ClusterStore;
import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.OutpostException;
import org.outpost.api.Watch;
import org.outpost.api.WatchEvent;
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
 * history per channel ({@link ReadingHistory}), each reading once (by outbox sequence number, per
 * node and lane), each node within its ingest budget ({@link IngestBudget}) — and the rules, stored
 * under {@code /telemetry/rules/} and pushed to the node they run on.
 */
final class DeviceHub implements FleetDevices {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceHub.class);
    static final String RULES_PREFIX = "/telemetry/rules/";
    static final String SEQ_PREFIX = "/telemetry/seq/";
    private static final int URGENT_MAX = 2;
    private static final long SEQ_PERSIST_MILLIS = 1_000;
    private static final long WRITE_TIMEOUT_MILLIS = 15_000;
    private static final int ALERTS_KEPT = 200;
    /** Items in one readings batch; an agent sends at most 500 (docs/agent-protocol.md). */
    static final int MAX_BATCH_ITEMS = 500;

    private final ClusterStore store;
    private final AgentSessions sessions;
    private final ObjectMapper json;
    private final Supplier<IngestLimits.Settings> limits;
    private final LongSupplier nanoTime;
    private final ReadingHistory history;
    private final ServerRules rules;
    private final Map<String, NodeState> nodes = new ConcurrentHashMap<>();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final Map<Long, CompletableFuture<JsonNode>> writes = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final ArrayDeque<StoredAlert> alerts = new ArrayDeque<>(); // guarded by itself

    DeviceHub(ClusterStore store, AgentSessions sessions, ObjectMapper json, int historyPerChannel) {
        this(store, sessions, json, historyPerChannel, IngestLimits.Settings::defaults, System::nanoTime);
    }

    /**
     * @param limits the ingest limits in force, read at every batch (they may change at any time)
     */
    DeviceHub(ClusterStore store, AgentSessions sessions, ObjectMapper json, int historyPerChannel,
            Supplier<IngestLimits.Settings> limits, LongSupplier nanoTime) {
        this.store = store;
        this.sessions = sessions;
        this.json = json;
        this.limits = limits;
        this.nanoTime = nanoTime;
        this.history = new ReadingHistory(limits, historyPerChannel);
        this.rules = new ServerRules(store, sessions, json);
    }

    /** A reading as the server keeps it: with the outbox sequence number it came with. */
    record Stored(long seq, Reading reading) {
    }

    /** An alert as the server keeps it, with its node and sequence number. */
    record StoredAlert(String node, long seq, Alert alert) {
    }

    private final class NodeState {
        final IngestBudget budget = new IngestBudget(nanoTime);
        volatile Map<String, DeviceState> devices = Map.of();
        volatile JsonNode outbox;
        volatile long reportedAt;
        final long[] highest = {-1, -1};
        /** The certificate serial of the identity the sequence numbers belong to. */
        String identity;
        long highestPersistedAt;
        final AtomicLong received = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        /** Readings acknowledged but not kept: their channel found no room in the history. */
        final AtomicLong notKept = new AtomicLong();
        final AtomicLong oversize = new AtomicLong();
        final AtomicLong paused = new AtomicLong();
        /** Appends the node's outbox refused (its queue was full), as the node last reported. */
        volatile long outboxRefused;
    }

    private NodeState state(String node) {
        return nodes.computeIfAbsent(node, n -> new NodeState());
    }

    // from agents

    /**
     * One batch of readings and alerts from a node's outbox. New ones are kept; ones already kept
     * (sent again after a lost channel) are dropped. Sequence numbers count per node identity
     * ({@code certSerial}): a node that joined afresh, e.g. with a new data directory, starts a new
     * outbox at 1. Returns the acknowledgement to send; when the node is beyond its ingest budget the
     * acknowledgement carries {@code throttledMillis}, how long it must wait before it is sent.
     */
    ObjectNode readings(String node, String certSerial, JsonNode message) {
        int size = message.path("items").size();
        if (size > MAX_BATCH_ITEMS) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "a readings batch holds at most " + MAX_BATCH_ITEMS
                    + " items; this one has " + size);
        }
        NodeState state = state(node);
        long wait;
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
                    keep(node, state, seq, reading);
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
            wait = state.budget.take(size, limits.get().readingsPerSecondPerNode());
        }
        ObjectNode ack = json.createObjectNode();
        ack.put("type", "readings-ack");
        ack.put("batch", message.path("batch").asLong());
        if (wait > 0) ack.put("throttledMillis", wait);
        return ack;
    }

    private void keep(String node, NodeState state, long seq, Reading reading) {
        switch (history.keep(node, seq, reading)) {
            case NO_CHANNEL_ROOM -> state.notKept.incrementAndGet();
            case KEPT_OVERSIZE -> state.oversize.incrementAndGet();
            case KEPT -> {
                // the usual case
            }
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
        state.outboxRefused = message.path("outboxRefused").asLong(0);
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
        rules.push(node);
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
        List<Reading> list = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (org.outpost.api.device.Channel channel : found.state().device().channels()) {
            if (!channel.mode().readable()) continue;
            Stored last = history.last(node, device + "/" + channel.name());
            list.add(last != null ? last.reading() : Reading.bad(device, channel.name(), now, "no reading yet"));
        }
        for (String key : history.keys(node)) {
            if (key.startsWith(device + "/") && found.state().device().channel(key.substring(device.length() + 1)) == null) {
                Stored last = history.last(node, key);
                if (last != null) list.add(last.reading());
            }
        }
        return list;
    }

    @Override
    public List<Reading> history(String node, String device, String channel, int limit) {
        return stored(node, device, channel, limit).stream().map(Stored::reading).toList();
    }

    /** The kept readings with their sequence numbers, oldest first. */
    List<Stored> stored(String node, String device, String channel, int limit) {
        existing(node, device);
        List<Stored> list = history.stored(node,
                key -> channel == null ? key.startsWith(device + "/") : key.equals(device + "/" + channel));
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
        return rules.all();
    }

    @Override
    public void putRule(NodeRule rule) {
        rules.put(rule);
    }

    @Override
    public boolean removeRule(String name) {
        return rules.remove(name);
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

    @Override
    public List<NodeIngest> ingest() {
        int budget = limits.get().readingsPerSecondPerNode();
        List<NodeIngest> list = new ArrayList<>();
        nodes.forEach((node, state) -> {
            JsonNode outbox = state.outbox == null ? json.createObjectNode() : state.outbox;
            list.add(new NodeIngest(node, budget, state.received.get(), state.budget.throttledReadings(),
                    state.budget.throttledMillis(), state.notKept.get() + state.oversize.get(),
                    outbox.path("droppedTotal").asLong(), state.outboxRefused, state.paused.get()));
        });
        list.sort(Comparator.comparing(NodeIngest::node));
        return list;
    }

    /** The server stopped reading a node's channel: more batches unacknowledged than the protocol allows. */
    void paused(String node) {
        state(node).paused.incrementAndGet();
    }

    /** Forgets what the server holds in memory for a deleted node. */
    void forget(String node) {
        nodes.remove(node);
        history.forget(node);
    }

    /** Forgets every node deleted from now on, until the watch is closed: memory follows the registry. */
    Watch forgetDeletedNodes() {
        return store.watch(StoreKeys.NODES, store.revision(), event -> {
            if (event.type() == WatchEvent.Type.DELETE) forget(event.kv().key().substring(StoreKeys.NODES.length()));
        });
    }

    /** Writes the per-node telemetry figures of /metrics onto the page. */
    void writeMetrics(PrometheusText out) {
        TelemetryMetrics.write(out, telemetry(), ingest(), history.bytes(), limits.get().historyBytes(), history.channels());
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
