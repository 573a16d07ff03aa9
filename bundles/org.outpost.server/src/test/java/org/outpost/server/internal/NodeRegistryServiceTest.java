package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.ErrorCode;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeStatus;
import org.outpost.api.NodeUsage;
import org.outpost.api.OutpostException;
import org.outpost.store.mvstore.internal.MVStoreKv;

import com.fasterxml.jackson.databind.ObjectMapper;

class NodeRegistryServiceTest {
    private static final Duration TIMEOUT = ServerFixture.NODE_TIMEOUT;
    private static final NodeUsage USAGE = new NodeUsage(4, 0.25, 8L << 30, 2L << 30, 64L << 30, 32L << 30, 3600);

    @TempDir
    Path dir;

    private final ObjectMapper json = ServerFixture.newJson();
    private final MutableClock clock = new MutableClock(ServerFixture.START);
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private MVStoreKv store;
    private NodeRegistryService registry;

    @BeforeEach
    void open() {
        store = openStore();
        registry = newRegistry();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private MVStoreKv openStore() {
        return MVStoreKv.open(dir.resolve("db").resolve("cluster.mv"), MVStoreKv.Options.defaults());
    }

    private NodeRegistryService newRegistry() {
        return new NodeRegistryService(store, json, clock, nanos::get, ServerFixture.SERVER_NODE, TIMEOUT);
    }

    /** Closes the store and opens it again with a new registry, as a server restart does. */
    private void restart() {
        store.close();
        store = openStore();
        registry = newRegistry();
    }

    private void elapse(Duration duration) {
        nanos.addAndGet(duration.toNanos());
        clock.advance(duration);
    }

    private NodeSpec hello(String name, String serial, Map<String, String> startLabels) {
        return registry.hello(name, serial, "192.0.2.7", "1.2.3", startLabels, USAGE);
    }

    private NodeInfo node(String name) {
        return registry.get(name).orElseThrow(() -> new AssertionError("node " + name + " not in the registry"));
    }

    private NodeStatusRecord storedStatus(String name) throws Exception {
        return json.readValue(store.get(StoreKeys.STATUS + name).orElseThrow(
                () -> new AssertionError("no stored status for " + name)).value(), NodeStatusRecord.class);
    }

    private NodeSpec storedSpec(String name) throws Exception {
        return json.readValue(store.get(StoreKeys.NODES + name).orElseThrow().value(), NodeSpec.class);
    }

    @Test
    void joinedNodeIsNotReadyUntilItSaysHello() throws Exception {
        registry.registerJoin("gw-1", "a1");

        NodeInfo joined = node("gw-1");
        assertEquals(NodeStatus.NotReady, joined.status());
        assertEquals(ServerFixture.START, joined.created());
        assertNull(joined.lastHeartbeat());
        assertEquals("a1", storedSpec("gw-1").certSerial());
        assertTrue(store.get(StoreKeys.STATUS + "gw-1").isEmpty(), "no status before the first hello");
    }

    @Test
    void helloMakesTheNodeReadyAndIsPersisted() throws Exception {
        registry.registerJoin("gw-1", "a1");
        elapse(Duration.ofSeconds(3));

        NodeSpec spec = hello("gw-1", "a1", Map.of("site", "plant-a"));

        assertEquals(Map.of("site", "plant-a"), spec.labels());
        NodeInfo info = node("gw-1");
        assertEquals(NodeStatus.Ready, info.status());
        assertEquals("192.0.2.7", info.address());
        assertEquals("1.2.3", info.version());
        assertEquals(ServerFixture.START.plusSeconds(3), info.lastHeartbeat());
        assertEquals(USAGE, info.usage());
        assertEquals(Map.of("site", "plant-a"), info.labels());
        NodeStatusRecord stored = storedStatus("gw-1");
        assertEquals("Ready", stored.status());
        assertEquals(ServerFixture.START.plusSeconds(3).toString(), stored.lastHeartbeat());
        assertEquals(USAGE, stored.usage());
        assertEquals(Map.of(NodeStatus.Ready, 1, NodeStatus.NotReady, 0), registry.countByStatus());
    }

    @Test
    void silentNodeBecomesNotReadyPersistedAndReadyAgainOnHeartbeat() throws Exception {
        registry.registerJoin("gw-1", "a1");
        hello("gw-1", "a1", Map.of());

        elapse(TIMEOUT);
        registry.tick();
        assertEquals(NodeStatus.Ready, node("gw-1").status(), "exactly the timeout is not yet too long");

        elapse(Duration.ofMillis(1));
        registry.tick();
        assertEquals(NodeStatus.NotReady, node("gw-1").status());
        assertEquals("NotReady", storedStatus("gw-1").status());
        assertEquals(Map.of(NodeStatus.Ready, 0, NodeStatus.NotReady, 1), registry.countByStatus());

        elapse(Duration.ofSeconds(20));
        registry.heartbeat("gw-1", USAGE);
        assertEquals(NodeStatus.Ready, node("gw-1").status());
        assertEquals("Ready", storedStatus("gw-1").status(), "becoming Ready again is written at once");
        assertEquals(clock.instant().toString(), storedStatus("gw-1").lastHeartbeat());

        elapse(TIMEOUT.plusMillis(1));
        registry.tick();
        assertEquals("NotReady", storedStatus("gw-1").status());

        restart();
        assertEquals(NodeStatus.NotReady, node("gw-1").status(), "the status is read back after a restart");
        assertEquals(clock.instant().minus(TIMEOUT.plusMillis(1)), node("gw-1").lastHeartbeat());
        assertEquals("192.0.2.7", node("gw-1").address());

        registry.heartbeat("gw-1", USAGE);
        assertEquals(NodeStatus.Ready, node("gw-1").status());
        assertEquals("Ready", storedStatus("gw-1").status());
    }

    @Test
    void readyNodeGetsAGracePeriodAfterARestart() throws Exception {
        registry.registerJoin("gw-1", "a1");
        hello("gw-1", "a1", Map.of());
        elapse(Duration.ofMinutes(5));

        restart();
        registry.tick();
        assertEquals(NodeStatus.Ready, node("gw-1").status(), "a restart gives the node one timeout to reconnect");

        elapse(TIMEOUT.plusMillis(1));
        registry.tick();
        assertEquals(NodeStatus.NotReady, node("gw-1").status());
        assertEquals("NotReady", storedStatus("gw-1").status());
    }

    @Test
    void heartbeatsTouchOnlyMemoryUntilTheBatchedLeaseWrite() throws Exception {
        registry.registerJoin("gw-1", "a1");
        hello("gw-1", "a1", Map.of());
        Instant firstBeat = clock.instant();
        long revision = store.revision();

        elapse(Duration.ofSeconds(2));
        registry.heartbeat("gw-1", USAGE);
        registry.tick();
        assertEquals(clock.instant(), node("gw-1").lastHeartbeat());
        assertEquals(firstBeat.toString(), storedStatus("gw-1").lastHeartbeat(), "not written yet");
        assertEquals(revision, store.revision(), "heartbeats and early ticks write nothing");

        elapse(Duration.ofSeconds(3));
        registry.tick();
        assertEquals(firstBeat.plusSeconds(2).toString(), storedStatus("gw-1").lastHeartbeat(),
                "renewed leases are written once the write interval (timeout / 2) has passed");
        long afterBatch = store.revision();

        elapse(Duration.ofSeconds(5));
        registry.tick();
        assertEquals(afterBatch, store.revision(), "a lease that was not renewed is not written again");
    }

    @Test
    void helloWithAStaleCertificateIsForbidden() throws Exception {
        registry.registerJoin("gw-1", "a1");
        registry.label("gw-1", Map.of("owner", "ops"), Set.of());
        registry.registerJoin("gw-1", "b2");

        OutpostException e = assertThrows(OutpostException.class, () -> hello("gw-1", "a1", Map.of()));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
        assertEquals(NodeStatus.NotReady, node("gw-1").status());

        hello("gw-1", "b2", Map.of());
        assertEquals(NodeStatus.Ready, node("gw-1").status());
        assertEquals(Map.of("owner", "ops"), node("gw-1").labels(), "a re-join keeps the labels");
        assertEquals(ServerFixture.START, node("gw-1").created(), "and the creation time");
    }

    @Test
    void deletedNodeIsRefused() throws Exception {
        registry.registerJoin("gw-1", "a1");
        hello("gw-1", "a1", Map.of());

        assertTrue(registry.delete("gw-1"));

        assertTrue(registry.get("gw-1").isEmpty());
        assertTrue(store.get(StoreKeys.NODES + "gw-1").isEmpty());
        assertTrue(store.get(StoreKeys.STATUS + "gw-1").isEmpty());
        OutpostException e = assertThrows(OutpostException.class, () -> hello("gw-1", "a1", Map.of()));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
        assertFalse(registry.delete("gw-1"), "deleting twice finds nothing");

        registry.heartbeat("gw-1", USAGE);
        elapse(TIMEOUT.multipliedBy(2));
        registry.tick();
        assertTrue(store.get(StoreKeys.STATUS + "gw-1").isEmpty(), "nothing brings the deleted node's status back");
        assertTrue(registry.list().isEmpty());
    }

    @Test
    void unknownNodeIsForbiddenOnHello() {
        OutpostException e = assertThrows(OutpostException.class, () -> hello("ghost", "a1", Map.of()));
        assertEquals(ErrorCode.FORBIDDEN, e.code());
    }

    @Test
    void labelsAreSetAndRemoved() throws Exception {
        registry.registerJoin("gw-1", "a1");

        NodeInfo set = registry.label("gw-1", Map.of("site", "a", "tier", "edge"), Set.of());
        assertEquals(Map.of("site", "a", "tier", "edge"), set.labels());

        NodeInfo changed = registry.label("gw-1", Map.of("site", "b", "zone", "z1"), Set.of("tier", "absent"));
        assertEquals(Map.of("site", "b", "zone", "z1"), changed.labels());
        assertEquals(Map.of("site", "b", "zone", "z1"), storedSpec("gw-1").labels());

        OutpostException e = assertThrows(OutpostException.class,
                () -> registry.label("ghost", Map.of("a", "b"), Set.of()));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }

    @Test
    void concurrentLabelEditsAreNotLost() throws Exception {
        registry.registerJoin("gw-1", "a1");
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<NodeInfo>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String key = "k" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return registry.label("gw-1", Map.of(key, "v"), Set.of());
                }));
            }
            go.countDown();
            for (Future<NodeInfo> result : results) {
                result.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < writers; i++) {
            expected.put("k" + i, "v");
        }
        assertEquals(expected, node("gw-1").labels(), "compare-and-set retries keep every edit");
    }

    @Test
    void startLabelsReplacePreviousStartLabelsButNeverAdminLabels() throws Exception {
        registry.registerJoin("gw-1", "a1");
        hello("gw-1", "a1", Map.of("site", "plant-a", "rack", "r1"));
        registry.label("gw-1", Map.of("owner", "ops"), Set.of());

        hello("gw-1", "a1", Map.of("zone", "z9"));

        assertEquals(Map.of("owner", "ops", "zone", "z9"), node("gw-1").labels());
        assertEquals(Map.of("zone", "z9"), storedSpec("gw-1").reportedLabels());

        hello("gw-1", "a1", Map.of());
        assertEquals(Map.of("owner", "ops"), node("gw-1").labels());
    }

    @Test
    void helloWithUnchangedStartLabelsWritesNoSpec() throws Exception {
        registry.registerJoin("gw-1", "a1");
        hello("gw-1", "a1", Map.of("site", "a"));
        long specRevision = store.get(StoreKeys.NODES + "gw-1").orElseThrow().modRevision();

        hello("gw-1", "a1", Map.of("site", "a"));

        assertEquals(specRevision, store.get(StoreKeys.NODES + "gw-1").orElseThrow().modRevision());
    }

    @Test
    void applyStartLabelsKeepsAdminLabels() {
        NodeSpec spec = new NodeSpec(NodeSpec.FORMAT, "gw-1", List.of("agent"),
                Map.of("site", "plant-a", "rack", "r1", "owner", "ops"), Map.of("site", "plant-a", "rack", "r1"),
                ServerFixture.START.toString(), "a1", false);

        NodeSpec replaced = NodeRegistryService.applyStartLabels(spec, Map.of("rack", "r2"));

        assertEquals(Map.of("owner", "ops", "rack", "r2"), replaced.labels());
        assertEquals(Map.of("rack", "r2"), replaced.reportedLabels());
        assertEquals(spec.certSerial(), replaced.certSerial());
        assertEquals(spec.created(), replaced.created());
    }

    @Test
    void applyStartLabelsKeepsAStartLabelTheAdminChanged() {
        NodeSpec spec = new NodeSpec(NodeSpec.FORMAT, "gw-1", List.of("agent"), Map.of("site", "moved-by-admin"),
                Map.of("site", "plant-a"), ServerFixture.START.toString(), "a1", false);

        NodeSpec replaced = NodeRegistryService.applyStartLabels(spec, Map.of());

        assertEquals(Map.of("site", "moved-by-admin"), replaced.labels());
        assertEquals(Map.of(), replaced.reportedLabels());
    }

    @Test
    void applyStartLabelsReturnsTheSameSpecWhenNothingChanged() {
        NodeSpec spec = new NodeSpec(NodeSpec.FORMAT, "gw-1", List.of("agent"), Map.of("site", "a", "owner", "ops"),
                Map.of("site", "a"), ServerFixture.START.toString(), "a1", false);

        assertSame(spec, NodeRegistryService.applyStartLabels(spec, Map.of("site", "a")));
    }

    @Test
    void serverNodeHasBothRoles() throws Exception {
        registry.registerJoin(ServerFixture.SERVER_NODE, "s1");
        registry.registerJoin("gw-1", "a1");

        assertEquals(List.of("server", "agent"), node(ServerFixture.SERVER_NODE).roles());
        assertEquals(List.of("agent"), node("gw-1").roles());
        assertEquals(List.of("server", "agent"), storedSpec(ServerFixture.SERVER_NODE).roles());
        assertEquals(List.of("gw-1", ServerFixture.SERVER_NODE), registry.list().stream().map(NodeInfo::name).toList());
    }
}
