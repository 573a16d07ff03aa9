package org.outpost.scheduler.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.ClusterStore;
import org.outpost.api.KeyValue;
import org.outpost.api.NodeRegistry;
import org.outpost.api.StoreConflictException;
import org.outpost.api.Watch;
import org.outpost.workload.Assignment;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.WorkloadKeys;
import org.outpost.workload.WorkloadProgress;
import org.outpost.workload.WorkloadRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs on the server: whenever workloads, nodes or instances change (and every second, for
 * eviction timeouts), plans placements and binds them in the cluster store with compare-and-set.
 * Present only while this JVM is a server (it needs the registries the server registers).
 */
@Component(configurationPid = SchedulerComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {})
@Designate(ocd = SchedulerComponent.Config.class)
public class SchedulerComponent {
    static final String PID = "org.outpost.scheduler";
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerComponent.class);
    private static final char[] SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

    @ObjectClassDefinition(name = "Outpost scheduler", description = "Placement of workload instances on nodes")
    public @interface Config {
        @AttributeDefinition(description = "Seconds a node may be NotReady before its Deployment replicas are placed elsewhere", min = "1")
        int evictionTimeoutSeconds() default 30;

        @AttributeDefinition(description = "Bindings written to the store at once (they share commits)", min = "1")
        int bindParallelism() default 8;

        @AttributeDefinition(description = "Instances one node may run, of every workload together (Kubernetes' max pods);"
                + " a node at its limit takes no more", min = "1")
        int maxInstancesPerNode() default Planner.DEFAULT_MAX_INSTANCES_PER_NODE;
    }

    @Reference
    private ClusterStore store;
    @Reference
    private NodeRegistry nodes;
    @Reference
    private WorkloadRegistry workloads;

    private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final Map<String, WorkloadProgress> lastProgress = new HashMap<>();
    private final AtomicBoolean roundQueued = new AtomicBoolean();
    private Planner planner;
    private ScheduledExecutorService loop;
    private ExecutorService binders;
    private Watch watch;

    public SchedulerComponent() {
        // for Declarative Services
    }

    /** Outside a framework (benchmarks, tests): the services DS would inject. */
    SchedulerComponent(ClusterStore store, NodeRegistry nodes, WorkloadRegistry workloads) {
        this.store = store;
        this.nodes = nodes;
        this.workloads = workloads;
    }

    @Activate
    void activate(Config config) {
        planner = new Planner(Duration.ofSeconds(config.evictionTimeoutSeconds()), new SpecHash(), SchedulerComponent::suffix,
                config.maxInstancesPerNode());
        loop = Executors.newSingleThreadScheduledExecutor(named("outpost-scheduler"));
        binders = Executors.newFixedThreadPool(config.bindParallelism(), named("outpost-scheduler-bind"));
        watch = store.watch("/registry/", store.revision(), event -> {
            String key = event.kv().key();
            if (!key.startsWith(WorkloadKeys.PROGRESS)) {
                requestRound();
            }
        });
        loop.scheduleWithFixedDelay(this::requestRound, 0, 1, TimeUnit.SECONDS);
        LOG.info("Scheduler started (eviction after {} s NotReady, at most {} instances per node)", config.evictionTimeoutSeconds(),
                config.maxInstancesPerNode());
    }

    @Deactivate
    void deactivate() {
        if (watch != null) {
            watch.close();
        }
        loop.shutdownNow();
        binders.shutdownNow();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Changes arrive in bursts: one round takes in everything that came before it started. */
    private void requestRound() {
        if (roundQueued.compareAndSet(false, true)) {
            try {
                loop.schedule(this::round, 5, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                roundQueued.set(false); // stopping
            }
        }
    }

    private void round() {
        roundQueued.set(false);
        try {
            Plan plan = plan();
            apply(plan);
        } catch (RuntimeException e) {
            LOG.warn("Scheduling round failed; retrying: {}", e.toString());
        }
    }

    Plan plan() {
        List<StoredWorkload> stored = workloads.list();
        Map<String, InstanceStatus> reported = new HashMap<>();
        for (KeyValue kv : store.list(WorkloadKeys.INSTANCES)) {
            reported.put(kv.key().substring(WorkloadKeys.INSTANCES.length()), read(kv, InstanceStatus.class));
        }
        List<Placed> placed = new ArrayList<>();
        for (KeyValue kv : store.list(WorkloadKeys.ASSIGNMENTS)) {
            Assignment a = read(kv, Assignment.class);
            InstanceStatus status = reported.get(a.node() + "/" + a.id());
            if (status != null && !Objects.equals(status.specHash(), a.specHash())) {
                status = null;
            }
            placed.add(new Placed(a, kv.modRevision(), status));
        }
        return planner.plan(stored.stream().map(StoredWorkload::workload).toList(), nodes.list(), placed, Clock.systemUTC().instant());
    }

    void apply(Plan plan) {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (Placed gone : plan.delete()) {
            writes.add(CompletableFuture.runAsync(() -> unbind(gone), binders));
        }
        for (Assignment a : plan.create()) {
            writes.add(CompletableFuture.runAsync(() -> bind(a), binders));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        plan.progress().forEach((key, progress) -> {
            if (!progress.equals(lastProgress.get(key))) {
                store.put(WorkloadKeys.PROGRESS + key, write(progress));
                lastProgress.put(key, progress);
                if (progress.problem() != null) {
                    LOG.info("Workload {}: {}", key, progress.problem());
                }
            }
        });
        for (KeyValue kv : store.list(WorkloadKeys.PROGRESS)) {
            String key = kv.key().substring(WorkloadKeys.PROGRESS.length());
            if (!plan.progress().containsKey(key)) {
                store.delete(kv.key());
                lastProgress.remove(key);
            }
        }
    }

    private void bind(Assignment a) {
        try {
            store.compareAndSet(WorkloadKeys.assignment(a), 0, write(a));
            LOG.debug("Bound {} to {}", a.id(), a.node());
        } catch (StoreConflictException e) {
            LOG.debug("Instance {} exists already on {}; the next round sees it", a.id(), a.node());
        }
    }

    private void unbind(Placed gone) {
        try {
            store.compareAndDelete(WorkloadKeys.assignment(gone.assignment()), gone.modRevision());
            LOG.debug("Removed {} from {}", gone.assignment().id(), gone.node());
        } catch (StoreConflictException e) {
            LOG.debug("Instance {} changed meanwhile; the next round sees it", gone.assignment().id());
        }
    }

    private static String suffix() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[5];
        for (int i = 0; i < out.length; i++) {
            out[i] = SUFFIX_CHARS[random.nextInt(SUFFIX_CHARS.length)];
        }
        return new String(out);
    }

    private <T> T read(KeyValue kv, Class<T> type) {
        try {
            return json.readValue(kv.value(), type);
        } catch (IOException e) {
            throw new IllegalStateException(kv.key() + " in the store is unreadable: " + e.getMessage(), e);
        }
    }

    private byte[] write(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
