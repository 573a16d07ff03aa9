package org.outpost.server.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.outpost.api.ClusterStore;
import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeRegistry;
import org.outpost.api.NodeStatus;
import org.outpost.api.NodeUsage;
import org.outpost.api.OutpostException;
import org.outpost.api.StoreConflictException;
import org.outpost.workload.LabelRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The node registry: specs and statuses in the cluster store, plus each node's lease in memory.
 * A heartbeat only touches memory; readiness changes are written at once, and renewed leases are
 * written in one batch per {@link #tick()} interval, so the store sees a handful of writes per
 * second however many nodes there are.
 */
final class NodeRegistryService implements NodeRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistryService.class);

    private final ClusterStore store;
    private final ObjectMapper json;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final String serverNodeName;
    private final Duration nodeTimeout;
    private final Duration leaseWriteInterval;
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private volatile long lastLeaseWrite;

    /** A node's liveness as the server sees it right now. */
    static final class Lease {
        volatile long lastSeenNanos;
        volatile Instant lastHeartbeat;
        volatile NodeStatus status;
        volatile NodeUsage usage = NodeUsage.UNKNOWN;
        volatile String address = "";
        volatile String agentVersion = "";
        volatile boolean dirty;
        volatile boolean connected;
        volatile Instant statusSince;
        volatile List<String> runtimes = List.of();
    }

    NodeRegistryService(ClusterStore store, ObjectMapper json, Clock clock, LongSupplier nanoTime,
            String serverNodeName, Duration nodeTimeout) {
        this.store = store;
        this.json = json;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.serverNodeName = serverNodeName;
        this.nodeTimeout = nodeTimeout;
        this.leaseWriteInterval = nodeTimeout.dividedBy(2).compareTo(Duration.ofSeconds(5)) < 0
                ? nodeTimeout.dividedBy(2) : Duration.ofSeconds(5);
        this.lastLeaseWrite = nanoTime.getAsLong();
        loadLeases();
    }

    /** After a restart every known node gets a fresh grace period of one timeout to reconnect. */
    private void loadLeases() {
        long now = nanoTime.getAsLong();
        for (KeyValue kv : store.list(StoreKeys.STATUS)) {
            NodeStatusRecord record = read(kv.value(), NodeStatusRecord.class);
            Lease lease = new Lease();
            lease.lastSeenNanos = now;
            lease.status = "Ready".equals(record.status()) ? NodeStatus.Ready : NodeStatus.NotReady;
            lease.lastHeartbeat = record.lastHeartbeat() == null ? null : Instant.parse(record.lastHeartbeat());
            lease.usage = record.usage() == null ? NodeUsage.UNKNOWN : record.usage();
            lease.address = record.address();
            lease.agentVersion = record.agentVersion();
            lease.statusSince = record.statusSince() == null ? null : Instant.parse(record.statusSince());
            lease.runtimes = record.runtimes() == null ? List.of() : List.copyOf(record.runtimes());
            leases.put(kv.key().substring(StoreKeys.STATUS.length()), lease);
        }
    }

    /** Records a node that has just been issued an identity (certificate serial) through a join. */
    void registerJoin(String name, String certSerial) {
        String key = StoreKeys.NODES + name;
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<KeyValue> current = store.get(key);
            NodeSpec spec = current.map(kv -> read(kv.value(), NodeSpec.class))
                    .map(s -> new NodeSpec(NodeSpec.FORMAT, s.name(), rolesOf(name), s.labels(), s.reportedLabels(),
                            s.created(), certSerial, s.cordoned()))
                    .orElseGet(() -> new NodeSpec(NodeSpec.FORMAT, name, rolesOf(name), Map.of(), Map.of(),
                            clock.instant().toString(), certSerial, false));
            try {
                store.compareAndSet(key, current.map(KeyValue::modRevision).orElse(0L), write(spec));
                return;
            } catch (StoreConflictException e) {
                // a concurrent change to the same node: read again and retry
            }
        }
        throw new OutpostException(ErrorCode.CONFLICT, "node " + name + " is being changed concurrently; try again");
    }

    /**
     * A connected agent introduced itself. Checks that its certificate is the one the registry
     * issued last (a deleted or re-joined node's old certificate is refused).
     *
     * @return the node's spec
     */
    NodeSpec hello(String name, String certSerial, String address, String agentVersion, Map<String, String> startLabels,
            NodeUsage usage) {
        String key = StoreKeys.NODES + name;
        for (int attempt = 0; attempt < 10; attempt++) {
            KeyValue kv = store.get(key).orElseThrow(() -> new OutpostException(ErrorCode.FORBIDDEN,
                    "node " + name + " is not registered (it was deleted); join again with a token"));
            NodeSpec spec = read(kv.value(), NodeSpec.class);
            if (!spec.certSerial().equals(certSerial)) {
                throw new OutpostException(ErrorCode.FORBIDDEN,
                        "node " + name + " presented a certificate that is no longer valid; join again with a token");
            }
            NodeSpec updated = applyStartLabels(spec, startLabels);
            if (!updated.equals(spec)) {
                try {
                    store.compareAndSet(key, kv.modRevision(), write(updated));
                } catch (StoreConflictException e) {
                    continue;
                }
            }
            Lease lease = leases.computeIfAbsent(name, n -> new Lease());
            lease.address = address;
            lease.agentVersion = agentVersion;
            lease.connected = true;
            renew(name, lease, usage);
            return updated;
        }
        throw new OutpostException(ErrorCode.CONFLICT, "node " + name + " is being changed concurrently; try again");
    }

    /**
     * The labels an agent was started with are applied for their keys; start labels it no longer has
     * are removed unless an admin changed them since. Labels only an admin set are never removed.
     */
    static NodeSpec applyStartLabels(NodeSpec spec, Map<String, String> startLabels) {
        if (spec.reportedLabels().equals(startLabels)) {
            return spec;
        }
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        spec.reportedLabels().keySet().forEach(k -> {
            if (!startLabels.containsKey(k) && spec.reportedLabels().get(k).equals(labels.get(k))) {
                labels.remove(k);
            }
        });
        labels.putAll(startLabels);
        return new NodeSpec(spec.version(), spec.name(), spec.roles(), labels, startLabels, spec.created(), spec.certSerial(),
                spec.cordoned());
    }

    /** A heartbeat from a connected agent; memory only unless the node becomes Ready again. */
    void heartbeat(String name, NodeUsage usage) {
        Lease lease = leases.get(name);
        if (lease != null) {
            renew(name, lease, usage);
        }
    }

    void disconnected(String name) {
        Lease lease = leases.get(name);
        if (lease != null) {
            lease.connected = false;
        }
    }

    private void renew(String name, Lease lease, NodeUsage usage) {
        lease.lastSeenNanos = nanoTime.getAsLong();
        lease.lastHeartbeat = clock.instant();
        lease.usage = usage == null ? NodeUsage.UNKNOWN : usage;
        lease.dirty = true;
        if (lease.status != NodeStatus.Ready) {
            lease.status = NodeStatus.Ready;
            lease.statusSince = lease.lastHeartbeat;
            writeStatus(name, lease);
            LOG.info("Node {} is Ready", name);
        }
    }

    /** Marks silent nodes NotReady and writes renewed leases in one batch. Runs off the event loop. */
    void tick() {
        long now = nanoTime.getAsLong();
        boolean writeLeases = now - lastLeaseWrite >= leaseWriteInterval.toNanos();
        for (Map.Entry<String, Lease> entry : leases.entrySet()) {
            Lease lease = entry.getValue();
            if (lease.status == NodeStatus.Ready && now - lease.lastSeenNanos > nodeTimeout.toNanos()) {
                lease.status = NodeStatus.NotReady;
                lease.statusSince = clock.instant();
                writeStatus(entry.getKey(), lease);
                LOG.info("Node {} is NotReady: no heartbeat for {} s", entry.getKey(), nodeTimeout.toSeconds());
            } else if (writeLeases && lease.dirty) {
                writeStatus(entry.getKey(), lease);
            }
        }
        if (writeLeases) {
            lastLeaseWrite = now;
        }
    }

    private void writeStatus(String name, Lease lease) {
        lease.dirty = false;
        NodeStatusRecord record = new NodeStatusRecord(1, lease.status.name(), lease.address, lease.agentVersion,
                lease.lastHeartbeat == null ? null : lease.lastHeartbeat.toString(), lease.usage,
                lease.statusSince == null ? null : lease.statusSince.toString(), lease.runtimes);
        if (store.get(StoreKeys.NODES + name).isPresent()) {
            store.put(StoreKeys.STATUS + name, write(record));
        }
    }

    @Override
    public List<NodeInfo> list() {
        List<NodeInfo> nodes = new ArrayList<>();
        for (KeyValue kv : store.list(StoreKeys.NODES)) {
            nodes.add(toInfo(read(kv.value(), NodeSpec.class)));
        }
        return nodes;
    }

    @Override
    public Optional<NodeInfo> get(String name) {
        return store.get(StoreKeys.NODES + name).map(kv -> toInfo(read(kv.value(), NodeSpec.class)));
    }

    Map<NodeStatus, Integer> countByStatus() {
        Map<NodeStatus, Integer> counts = new HashMap<>();
        counts.put(NodeStatus.Ready, 0);
        counts.put(NodeStatus.NotReady, 0);
        for (NodeInfo node : list()) {
            counts.merge(node.status(), 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public NodeInfo label(String name, Map<String, String> set, Set<String> remove) {
        checkLabelEdit(name, set);
        String key = StoreKeys.NODES + name;
        for (int attempt = 0; attempt < 10; attempt++) {
            KeyValue kv = store.get(key).orElseThrow(() -> new OutpostException(ErrorCode.NOT_FOUND, "node " + name + " not found"));
            NodeSpec spec = read(kv.value(), NodeSpec.class);
            Map<String, String> labels = new LinkedHashMap<>(spec.labels());
            remove.forEach(labels::remove);
            labels.putAll(set);
            if (labels.size() > LabelRules.MAX_LABELS && labels.size() > spec.labels().size()) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "node " + name + " would have " + labels.size()
                        + " labels; a node has at most " + LabelRules.MAX_LABELS + " (remove some with edge:label " + name + " KEY-)");
            }
            try {
                store.compareAndSet(key, kv.modRevision(), write(spec.withLabels(labels)));
                return get(name).orElseThrow();
            } catch (StoreConflictException e) {
                // changed meanwhile: apply the edit to the new version
            }
        }
        throw new OutpostException(ErrorCode.CONFLICT, "node " + name + " is being changed concurrently; try again");
    }

    /** Kubernetes' rules for what an admin sets; removing is always allowed, whatever the key. */
    private static void checkLabelEdit(String name, Map<String, String> set) {
        List<String> problems = new ArrayList<>();
        set.forEach((k, v) -> LabelRules.problem(k, v).ifPresent(problems::add));
        if (!problems.isEmpty()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "node " + name + " not labeled: " + String.join("; ", problems));
        }
    }

    @Override
    public NodeInfo cordon(String name, boolean cordoned) {
        String key = StoreKeys.NODES + name;
        for (int attempt = 0; attempt < 10; attempt++) {
            KeyValue kv = store.get(key).orElseThrow(() -> new OutpostException(ErrorCode.NOT_FOUND, "node " + name + " not found"));
            NodeSpec spec = read(kv.value(), NodeSpec.class);
            if (spec.cordoned() == cordoned) {
                return toInfo(spec);
            }
            try {
                store.compareAndSet(key, kv.modRevision(), write(spec.withCordon(cordoned)));
                LOG.info("Node {} {}", name, cordoned ? "cordoned" : "uncordoned");
                return get(name).orElseThrow();
            } catch (StoreConflictException e) {
                // changed meanwhile: apply the edit to the new version
            }
        }
        throw new OutpostException(ErrorCode.CONFLICT, "node " + name + " is being changed concurrently; try again");
    }

    /** The runtimes an agent reports; stored with its status when they change. */
    void runtimes(String name, List<String> runtimes) {
        Lease lease = leases.get(name);
        if (lease != null && !lease.runtimes.equals(runtimes)) {
            lease.runtimes = List.copyOf(runtimes);
            writeStatus(name, lease);
        }
    }

    @Override
    public boolean delete(String name) {
        boolean existed = store.delete(StoreKeys.NODES + name);
        store.delete(StoreKeys.STATUS + name);
        // the name is free again: the next node to join with it proves its own password
        existed |= store.delete(NodePasswords.key(name));
        // its assignments go with the scheduler's next round; what it reported goes now
        store.list(org.outpost.workload.WorkloadKeys.instancesOf(name)).forEach(kv -> store.delete(kv.key()));
        leases.remove(name);
        if (existed) {
            LOG.info("Node {} deleted; it must join again with a token", name);
        }
        return existed;
    }

    /** The spec key an agent session watches for changes to its own node. */
    static String specKey(String name) {
        return StoreKeys.NODES + name;
    }

    NodeInfo toInfo(NodeSpec spec) {
        Lease lease = leases.get(spec.name());
        if (lease == null) {
            return new NodeInfo(spec.name(), NodeStatus.NotReady, spec.roles(), spec.labels(), "", "",
                    Instant.parse(spec.created()), null, NodeUsage.UNKNOWN, Instant.parse(spec.created()), spec.cordoned(),
                    List.of());
        }
        return new NodeInfo(spec.name(), lease.status == null ? NodeStatus.NotReady : lease.status, spec.roles(),
                spec.labels(), lease.address, lease.agentVersion, Instant.parse(spec.created()), lease.lastHeartbeat,
                lease.usage, lease.statusSince == null ? Instant.parse(spec.created()) : lease.statusSince, spec.cordoned(),
                lease.runtimes);
    }

    private List<String> rolesOf(String name) {
        return name.equals(serverNodeName) ? List.of("server", "agent") : List.of("agent");
    }

    private <T> T read(byte[] value, Class<T> type) {
        try {
            return json.readValue(value, type);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "stored " + type.getSimpleName() + " is unreadable: " + e.getMessage(), e);
        }
    }

    private byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "cannot encode " + value.getClass().getSimpleName(), e);
        }
    }
}
