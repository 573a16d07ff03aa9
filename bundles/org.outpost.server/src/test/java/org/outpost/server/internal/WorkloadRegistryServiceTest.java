package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.ClusterStore;
import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.OutpostException;
import org.outpost.api.Watch;
import org.outpost.api.WatchListener;
import org.outpost.store.mvstore.internal.MVStoreKv;
import org.outpost.workload.Applied;
import org.outpost.workload.ManifestParser;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadLimits;

class WorkloadRegistryServiceTest {
    private static final String TWO = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: thermo}
            spec:
              replicas: 3
              selector: {matchLabels: {app: thermo}}
              template:
                metadata: {labels: {app: thermo}}
                spec: {containers: [{name: thermo, image: outpost/busybox:1}]}
            ---
            apiVersion: edge.outpost.org/v1
            kind: BundleDeployment
            metadata: {name: modbus, namespace: plant}
            spec: {bundles: [mvn:org.outpost/org.outpost.device.modbus/0.1.0]}
            """;

    @TempDir
    Path dir;

    private MVStoreKv store;
    private final ManifestParser parser = new ManifestParser();

    @BeforeEach
    void open() {
        store = MVStoreKv.open(dir.resolve("cluster.mv"), MVStoreKv.Options.defaults());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private WorkloadRegistryService registry(ClusterStore on) {
        return new WorkloadRegistryService(on, ServerFixture.newJson(), new MutableClock(ServerFixture.START));
    }

    @Test
    void createdThenUnchangedThenConfigured() {
        WorkloadRegistryService registry = registry(store);
        List<Workload> workloads = parser.parse(TWO, "two.yaml");

        assertEquals(List.of("deployment/thermo created", "bundledeployment/modbus created"),
                registry.apply(workloads).stream().map(Applied::toString).toList());
        assertEquals(List.of("deployment/thermo unchanged", "bundledeployment/modbus unchanged"),
                registry.apply(workloads).stream().map(Applied::toString).toList());

        List<Applied> scaled = registry.apply(parser.parse(TWO.replace("replicas: 3", "replicas: 5"), "two.yaml"));
        assertEquals(Applied.Outcome.CONFIGURED, scaled.get(0).outcome());
        assertEquals(2, scaled.get(0).generation());
        assertEquals(Applied.Outcome.UNCHANGED, scaled.get(1).outcome());

        StoredWorkload thermo = registry.get("default", "thermo").orElseThrow();
        assertEquals(5, thermo.workload().pod().replicas());
        assertEquals(2, thermo.generation());
        assertEquals(ServerFixture.START.toString(), thermo.created(), "created stays the first apply's time");
        assertTrue(store.get("/registry/workloads/plant/modbus").isPresent(), "kept under namespace/name");
        assertEquals(2, registry.list().size());
    }

    @Test
    void storedWorkloadsSurviveANewService() {
        registry(store).apply(parser.parse(TWO, "two.yaml"));
        assertEquals(parser.parse(TWO, "two.yaml").get(1), registry(store).get("plant", "modbus").orElseThrow().workload());
    }

    @Test
    void deleteRemovesOnlyThatWorkload() {
        WorkloadRegistryService registry = registry(store);
        registry.apply(parser.parse(TWO, "two.yaml"));
        assertTrue(registry.delete("default", "thermo"));
        assertFalse(registry.delete("default", "thermo"));
        assertEquals(List.of("modbus"), registry.list().stream().map(w -> w.workload().name()).toList());
    }

    @Test
    void aManifestThatLosesARaceIsTakenBackWhole() {
        WorkloadRegistryService plain = registry(store);
        plain.apply(parser.parse(TWO, "two.yaml"));
        byte[] thermoBefore = store.get("/registry/workloads/default/thermo").orElseThrow().value();
        // someone else changes the second workload between this apply's read and its write
        ClusterStore racing = new RacingStore(store, "/registry/workloads/plant/modbus");
        List<Workload> changed = parser.parse(TWO.replace("replicas: 3", "replicas: 7")
                .replace("device.modbus/0.1.0", "device.modbus/0.2.0"), "two.yaml");

        OutpostException e = assertThrows(OutpostException.class, () -> registry(racing).apply(changed));

        assertEquals(ErrorCode.CONFLICT, e.code());
        assertEquals(new String(thermoBefore, StandardCharsets.UTF_8),
                store.get("/registry/workloads/default/thermo").orElseThrow().valueAsString(), "the first workload was put back");
        assertEquals(3, plain.get("default", "thermo").orElseThrow().workload().pod().replicas());
    }

    /** A store where another writer touches {@code key} just before this apply's compare-and-set on it. */
    private record RacingStore(ClusterStore delegate, String key) implements ClusterStore {
        @Override
        public KeyValue compareAndSet(String k, long expectedModRevision, byte[] value) {
            if (k.equals(key)) {
                delegate.put(k, delegate.get(k).orElseThrow().value());
            }
            return delegate.compareAndSet(k, expectedModRevision, value);
        }

        @Override
        public long revision() {
            return delegate.revision();
        }

        @Override
        public Optional<KeyValue> get(String k) {
            return delegate.get(k);
        }

        @Override
        public List<KeyValue> list(String prefix) {
            return delegate.list(prefix);
        }

        @Override
        public KeyValue put(String k, byte[] value) {
            return delegate.put(k, value);
        }

        @Override
        public boolean delete(String k) {
            return delegate.delete(k);
        }

        @Override
        public void compareAndDelete(String k, long expectedModRevision) {
            delegate.compareAndDelete(k, expectedModRevision);
        }

        @Override
        public Watch watch(String prefix, long afterRevision, WatchListener listener) {
            return delegate.watch(prefix, afterRevision, listener);
        }

        @Override
        public long compact(long revision) {
            return delegate.compact(revision);
        }

        @Override
        public long compactedRevision() {
            return delegate.compactedRevision();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }

    @Test
    void replicasBeyondTheLimitAreRefusedAndNothingIsWritten() {
        WorkloadRegistryService registry = new WorkloadRegistryService(store, ServerFixture.newJson(),
                new MutableClock(ServerFixture.START), new WorkloadLimits(5, 100));
        List<Workload> parsed = parser.parse(TWO.replace("replicas: 3", "replicas: 6"), "two.yaml");

        OutpostException e = assertThrows(OutpostException.class, () -> registry.apply(parsed));

        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertEquals("Deployment default/thermo asks for 6 replicas; a workload may have at most 5"
                + " (maxReplicasPerWorkload in etc/org.outpost.server.cfg)", e.getMessage());
        assertEquals(List.of(), registry.list());
        registry.apply(parser.parse(TWO.replace("replicas: 3", "replicas: 5"), "two.yaml"));
        Workload thermo = registry.get("default", "thermo").orElseThrow().workload();
        assertThrows(OutpostException.class, () -> registry.apply(List.of(thermo.scaled(6))), "scaling is held to it too");
        assertEquals(5, registry.get("default", "thermo").orElseThrow().workload().pod().replicas());
    }

    @Test
    void theClusterHoldsAtMostMaxWorkloads() {
        WorkloadRegistryService registry = new WorkloadRegistryService(store, ServerFixture.newJson(),
                new MutableClock(ServerFixture.START), new WorkloadLimits(10, 3));
        registry.apply(parser.parse(TWO, "two.yaml"));
        List<Workload> two = parser.parse(TWO.replace("name: thermo", "name: boiler").replace("name: modbus", "name: pump"), "more.yaml");

        OutpostException e = assertThrows(OutpostException.class, () -> registry.apply(two));

        assertEquals(ErrorCode.FORBIDDEN, e.code());
        assertEquals("the cluster has 2 workloads and may have at most 3 (maxWorkloads in etc/org.outpost.server.cfg);"
                + " delete some with edge:delete first", e.getMessage());
        assertEquals(2, registry.list().size(), "nothing of the manifest was taken");
        registry.apply(List.of(two.get(0)));
        registry.apply(parser.parse(TWO.replace("replicas: 3", "replicas: 4"), "two.yaml")); // changing existing ones still works
        assertEquals(3, registry.list().size());
    }

    @Test
    void aWorkloadTooLargeForAnAgentsFrameIsRefused() {
        WorkloadRegistryService registry = registry(store);
        String big = TWO.replace("image: outpost/busybox:1}", "image: outpost/busybox:1, args: ['" + "a".repeat(300 * 1024) + "']}");

        OutpostException e = assertThrows(OutpostException.class, () -> registry.apply(parser.parse(big, "big.yaml")));

        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().startsWith("Deployment default/thermo is "), e.getMessage());
        assertTrue(e.getMessage().endsWith("bytes when stored; a workload may have at most 262144 (256 KiB),"
                + " so that every node's assignments reach it"), e.getMessage());
        assertEquals(List.of(), registry.list());
    }

    @Test
    void atMostAHundredWorkloadsAtOnce() {
        Workload thermo = parser.parse(TWO, "two.yaml").get(0);
        List<Workload> many = new java.util.ArrayList<>();
        for (int i = 0; i <= ManifestParser.MAX_WORKLOADS; i++) {
            many.add(new Workload(thermo.kind(), "thermo-" + i, "default", thermo.labels(), thermo.pod(), null));
        }
        OutpostException e = assertThrows(OutpostException.class, () -> registry(store).apply(many));
        assertEquals("101 workloads at once; a manifest may hold at most 100; split it into several files", e.getMessage());
    }
}
