package org.outpost.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.outpost.api.ErrorCode;
import org.outpost.api.JoinToken;
import org.outpost.api.JoinTokens;
import org.outpost.api.KeyValue;
import org.outpost.api.LocalNode;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeRegistry;
import org.outpost.api.NodeStatus;
import org.outpost.api.NodeUsage;
import org.outpost.api.OutpostException;
import org.outpost.api.RoleManager;
import org.outpost.api.Watch;
import org.outpost.api.WatchListener;

/** Small in-memory implementations of the API for command tests. */
final class Fakes {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private Fakes() {
    }

    /** Wires output capture and the fixed clock into a command. */
    static <T extends EdgeAction> Captured<T> capture(T action) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        action.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        action.clock = CLOCK;
        return new Captured<>(action, bytes);
    }

    record Captured<T extends EdgeAction>(T action, ByteArrayOutputStream bytes) {
        String run() throws Exception {
            action.execute();
            return text();
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    static NodeInfo node(String name, NodeStatus status, Duration age, Map<String, String> labels, String... roles) {
        return new NodeInfo(name, status, List.of(roles), labels, "10.0.0." + (name.length() + 1), "0.1.0",
                NOW.minus(age), NOW.minusSeconds(5),
                new NodeUsage(4, 0.25, 8L << 30, 2L << 30, 100L << 30, 40L << 30, 3600), NOW.minus(age), false,
                List.of("docker", "bundle"));
    }

    static class Registry implements NodeRegistry {
        final Map<String, NodeInfo> nodes = new TreeMap<>();
        final List<String> calls = new ArrayList<>();
        Map<String, String> lastSet;
        Set<String> lastRemove;

        Registry(NodeInfo... all) {
            for (NodeInfo n : all) {
                nodes.put(n.name(), n);
            }
        }

        @Override
        public List<NodeInfo> list() {
            calls.add("list");
            return new ArrayList<>(nodes.values());
        }

        @Override
        public Optional<NodeInfo> get(String name) {
            calls.add("get " + name);
            return Optional.ofNullable(nodes.get(name));
        }

        @Override
        public NodeInfo label(String name, Map<String, String> set, Set<String> remove) {
            calls.add("label " + name);
            lastSet = set;
            lastRemove = remove;
            NodeInfo n = nodes.get(name);
            if (n == null) {
                throw new OutpostException(ErrorCode.NOT_FOUND, "no node named " + name);
            }
            Map<String, String> labels = new HashMap<>(n.labels());
            labels.putAll(set);
            labels.keySet().removeAll(remove);
            NodeInfo updated = new NodeInfo(n.name(), n.status(), n.roles(), labels, n.address(), n.version(),
                    n.created(), n.lastHeartbeat(), n.usage(), n.statusSince(), n.cordoned(), n.runtimes());
            nodes.put(name, updated);
            return updated;
        }

        @Override
        public NodeInfo cordon(String name, boolean cordoned) {
            calls.add((cordoned ? "cordon " : "uncordon ") + name);
            NodeInfo n = nodes.get(name);
            if (n == null) {
                throw new OutpostException(ErrorCode.NOT_FOUND, "no node named " + name);
            }
            NodeInfo updated = new NodeInfo(n.name(), n.status(), n.roles(), n.labels(), n.address(), n.version(),
                    n.created(), n.lastHeartbeat(), n.usage(), n.statusSince(), cordoned, n.runtimes());
            nodes.put(name, updated);
            return updated;
        }

        @Override
        public boolean delete(String name) {
            calls.add("delete " + name);
            return nodes.remove(name) != null;
        }
    }

    static final class Tokens implements JoinTokens {
        final Map<String, JoinToken> tokens = new LinkedHashMap<>();
        Duration lastTtl;
        int lastMaxUses = -1;
        String lastDescription;
        int created;

        @Override
        public String nodeToken() {
            return "K10abc::server:s3cret";
        }

        @Override
        public JoinToken create(Duration ttl, int maxUses, String description) {
            lastTtl = ttl;
            lastMaxUses = maxUses;
            lastDescription = description;
            String id = "tok" + (++created);
            JoinToken listed = new JoinToken(id, description, NOW, ttl == null ? null : NOW.plus(ttl), maxUses, 0,
                    false, null);
            tokens.put(id, listed);
            return new JoinToken(id, description, NOW, listed.expires(), maxUses, 0, false,
                    "K10abc::" + id + ".secretpart");
        }

        @Override
        public List<JoinToken> list() {
            return new ArrayList<>(tokens.values());
        }

        @Override
        public void revoke(String id) {
            JoinToken t = tokens.get(id);
            if (t == null) {
                throw new OutpostException(ErrorCode.NOT_FOUND, "no token with id " + id);
            }
            tokens.put(id, new JoinToken(t.id(), t.description(), t.created(), t.expires(), t.maxUses(), t.uses(),
                    true, null));
        }
    }

    record Local(String name, String role, Instant started) implements LocalNode {
        @Override
        public Path dataDir() {
            return Path.of("/var/lib/outpost");
        }

        @Override
        public Map<String, String> labels() {
            return Map.of();
        }

        @Override
        public String version() {
            return "0.1.0";
        }
    }

    static class Roles implements RoleManager {
        String role;
        final List<String> calls = new ArrayList<>();

        Roles(String role) {
            this.role = role;
        }

        @Override
        public String role() {
            return role;
        }

        @Override
        public void becomeServer() {
            calls.add("server");
            role = "server";
        }

        @Override
        public void becomeServer(String bindAddress, int httpsPort) {
            calls.add("server " + bindAddress + " " + httpsPort);
            role = "server";
        }

        @Override
        public void becomeAgent(String serverUrl, String token) {
            calls.add("agent " + serverUrl + " " + token);
            role = "agent";
        }

        @Override
        public void leave() {
            calls.add("leave");
        }
    }

    /** A store that only answers what edge:status asks. */
    static final class Store implements org.outpost.api.ClusterStore {
        @Override
        public long revision() {
            return 42;
        }

        @Override
        public String describe() {
            return "mvstore /var/lib/outpost/server/db/state.mv";
        }

        @Override
        public Optional<KeyValue> get(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<KeyValue> list(String prefix) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyValue put(String key, byte[] value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyValue compareAndSet(String key, long expectedModRevision, byte[] value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean delete(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void compareAndDelete(String key, long expectedModRevision) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Watch watch(String prefix, long afterRevision, WatchListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long compact(long revision) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long compactedRevision() {
            return 0;
        }
    }
}
