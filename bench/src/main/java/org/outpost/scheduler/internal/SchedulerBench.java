package org.outpost.scheduler.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.outpost.api.NodeInfo;
import org.outpost.api.NodeRegistry;
import org.outpost.api.NodeStatus;
import org.outpost.api.NodeUsage;
import org.outpost.api.Watch;
import org.outpost.store.mvstore.internal.MVStoreKv;
import org.outpost.workload.Applied;
import org.outpost.workload.Container;
import org.outpost.workload.Instance;
import org.outpost.workload.Kind;
import org.outpost.workload.PodTemplate;
import org.outpost.workload.Resources;
import org.outpost.workload.RestartPolicy;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadKeys;
import org.outpost.workload.WorkloadProgress;
import org.outpost.workload.WorkloadRegistry;

/**
 * Scheduler throughput: the real scheduler component (planner + compare-and-set bindings) on the
 * real embedded store (MVStore on disk, durable writes), with N simulated Ready nodes. Applies
 * Deployments totalling one replica per node and times from the apply until every assignment is
 * in the store. Prints the median placements/s of several runs per N.
 *
 * <pre>java -cp bench/target/outpost-bench-0.1.0.jar:bench/target/lib/* org.outpost.scheduler.internal.SchedulerBench [1000,5000] [runs]</pre>
 */
public final class SchedulerBench {
    private static final int REPLICAS_PER_DEPLOYMENT = 100;

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length > 0 ? Arrays.stream(args[0].split(",")).map(Integer::parseInt).toList() : List.of(1000, 5000);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.println("| nodes | placements | median placements/s | min | max |");
        System.out.println("|---|---|---|---|---|");
        for (int nodes : sizes) {
            double[] rates = new double[runs];
            for (int run = 0; run < runs; run++) {
                rates[run] = once(nodes);
            }
            Arrays.sort(rates);
            System.out.printf("| %,d | %,d | %,.0f | %,.0f | %,.0f |%n", nodes, nodes, rates[runs / 2], rates[0], rates[runs - 1]);
        }
    }

    /** One run on a fresh store: placements per second. */
    static double once(int nodeCount) throws Exception {
        Path dir = Files.createTempDirectory("outpost-scheduler-bench");
        try (MVStoreKv store = MVStoreKv.open(dir.resolve("cluster.mv"), MVStoreKv.Options.defaults())) {
            MemoryWorkloads workloads = new MemoryWorkloads();
            SimulatedNodes nodes = new SimulatedNodes(nodeCount);
            CountDownLatch allBound = new CountDownLatch(nodeCount);
            AtomicInteger bound = new AtomicInteger();
            Watch watch = store.watch(WorkloadKeys.ASSIGNMENTS, store.revision(), event -> {
                if (bound.incrementAndGet() <= nodeCount) {
                    allBound.countDown();
                }
            });
            SchedulerComponent scheduler = new SchedulerComponent(store, nodes, workloads);
            scheduler.activate(config());
            try {
                Thread.sleep(300); // the first (empty) round
                long start = System.nanoTime();
                List<Workload> deployments = new ArrayList<>();
                for (int i = 0; i < nodeCount / REPLICAS_PER_DEPLOYMENT; i++) {
                    deployments.add(deployment("app-" + i, REPLICAS_PER_DEPLOYMENT));
                }
                workloads.set(deployments);
                store.put("/registry/workloads/bench/trigger", "{}".getBytes()); // the change the scheduler watches
                if (!allBound.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("only " + bound.get() + " of " + nodeCount + " placements in 10 minutes");
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                return nodeCount / seconds;
            } finally {
                scheduler.deactivate();
                watch.close();
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static SchedulerComponent.Config config() {
        return new SchedulerComponent.Config() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return SchedulerComponent.Config.class;
            }

            @Override
            public int evictionTimeoutSeconds() {
                return 30;
            }

            @Override
            public int bindParallelism() {
                return 16;
            }

            @Override
            public int maxInstancesPerNode() {
                return Planner.DEFAULT_MAX_INSTANCES_PER_NODE;
            }
        };
    }

    static Workload deployment(String name, int replicas) {
        Container c = new Container("main", "outpost/busybox:1", List.of(), List.of(), Map.of(),
                new Resources(10, 0, 8L << 20, 0));
        return new Workload(Kind.DEPLOYMENT, name, "bench", Map.of(), new PodTemplate(replicas, Map.of("app", name),
                Map.of("app", name), List.of(c), RestartPolicy.ALWAYS, Map.of(), List.of()), null);
    }

    /** N Ready nodes with the docker runtime, as the registry would list them. */
    static final class SimulatedNodes implements NodeRegistry {
        private final List<NodeInfo> nodes = new ArrayList<>();

        SimulatedNodes(int count) {
            Instant now = Instant.now();
            for (int i = 0; i < count; i++) {
                nodes.add(new NodeInfo(String.format("gw-%05d", i), NodeStatus.Ready, List.of("agent"), Map.of("site", "s" + i % 10),
                        "127.0.0.1", "0.1.0", now, now, new NodeUsage(4, 0.1, 8L << 30, 1L << 30, 100L << 30, 50L << 30, 60), now,
                        false, List.of("docker", "bundle")));
            }
        }

        @Override
        public List<NodeInfo> list() {
            return nodes;
        }

        @Override
        public Optional<NodeInfo> get(String name) {
            return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
        }

        @Override
        public NodeInfo label(String name, Map<String, String> set, Set<String> remove) {
            throw new UnsupportedOperationException("not used by the scheduler");
        }

        @Override
        public NodeInfo cordon(String name, boolean cordoned) {
            throw new UnsupportedOperationException("not used by the scheduler");
        }

        @Override
        public boolean delete(String name) {
            throw new UnsupportedOperationException("not used by the scheduler");
        }
    }

    /** What the scheduler reads of the workloads: the list. */
    static final class MemoryWorkloads implements WorkloadRegistry {
        private final List<StoredWorkload> stored = new CopyOnWriteArrayList<>();

        void set(List<Workload> workloads) {
            stored.clear();
            workloads.forEach(w -> stored.add(new StoredWorkload(w, 1, Instant.now().toString(), 0)));
        }

        @Override
        public List<StoredWorkload> list() {
            return List.copyOf(stored);
        }

        @Override
        public List<Applied> apply(List<Workload> workloads) {
            throw new UnsupportedOperationException("not used by the scheduler");
        }

        @Override
        public Optional<StoredWorkload> get(String namespace, String name) {
            return stored.stream().filter(s -> s.workload().name().equals(name)).findFirst();
        }

        @Override
        public boolean delete(String namespace, String name) {
            throw new UnsupportedOperationException("not used by the scheduler");
        }

        @Override
        public List<Instance> instances(String namespace, String name) {
            return List.of();
        }

        @Override
        public Optional<WorkloadProgress> progress(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public Applied rollback(String namespace, String name) {
            throw new UnsupportedOperationException("not used by the scheduler");
        }

        @Override
        public List<String> evict(String node) {
            throw new UnsupportedOperationException("not used by the scheduler");
        }
    }
}
