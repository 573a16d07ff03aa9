package org.outpost.server.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.outpost.api.ClusterStore;
import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.OutpostException;
import org.outpost.api.StoreConflictException;
import org.outpost.workload.Applied;
import org.outpost.workload.Assignment;
import org.outpost.workload.BundleSet;
import org.outpost.workload.Instance;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.Kind;
import org.outpost.workload.ManifestParser;
import org.outpost.workload.PodTemplate;
import org.outpost.workload.WorkloadKeys;
import org.outpost.workload.WorkloadLimits;
import org.outpost.workload.WorkloadProgress;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadRegistry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Workloads in the cluster store under {@code /registry/workloads/<namespace>/<name>}. A manifest
 * is applied with one compare-and-set per workload against the revisions read first; if any of
 * them loses, the ones already written are put back, so a manifest is taken whole or not at all.
 */
final class WorkloadRegistryService implements WorkloadRegistry {
    /** A workload's stored JSON at most: an assignment carries its template, and must fit an agent's frame with room to spare. */
    static final int MAX_WORKLOAD_BYTES = 256 * 1024;
    private final ClusterStore store;
    private final ObjectMapper json;
    private final Clock clock;
    private final WorkloadLimits limits;

    WorkloadRegistryService(ClusterStore store, ObjectMapper json, Clock clock) {
        this(store, json, clock, WorkloadLimits.DEFAULTS);
    }

    WorkloadRegistryService(ClusterStore store, ObjectMapper json, Clock clock, WorkloadLimits limits) {
        this.store = store;
        this.json = json;
        this.clock = clock;
        this.limits = limits;
    }

    @Override
    public WorkloadLimits limits() {
        return limits;
    }

    /**
     * The stored form; {@code revision} comes from the store, not from here. {@code previous} is the
     * workload before its last template change, for rollback.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(Workload workload, long generation, String created, Workload previous) {
    }

    @Override
    public List<Applied> apply(List<Workload> workloads) {
        refuseBeyondLimits(workloads);
        List<Applied> outcomes = new ArrayList<>();
        List<Runnable> undo = new ArrayList<>();
        try {
            for (Workload workload : workloads) {
                String key = key(workload.namespace(), workload.name());
                Optional<KeyValue> current = store.get(key);
                Optional<Entry> before = current.map(this::read);
                if (before.isPresent() && before.get().workload().equals(workload)) {
                    outcomes.add(new Applied(workload, Applied.Outcome.UNCHANGED, before.get().generation()));
                    continue;
                }
                Entry after = before.map(b -> new Entry(workload, b.generation() + 1, b.created(),
                                sameTemplate(b.workload(), workload) ? b.previous() : b.workload()))
                        .orElseGet(() -> new Entry(workload, 1, clock.instant().toString(), null));
                KeyValue written = store.compareAndSet(key, current.map(KeyValue::modRevision).orElse(0L), write(after));
                undo.add(() -> {
                    if (current.isPresent()) {
                        store.compareAndSet(key, written.modRevision(), current.get().value());
                    } else {
                        store.compareAndDelete(key, written.modRevision());
                    }
                });
                outcomes.add(new Applied(workload, before.isPresent() ? Applied.Outcome.CONFIGURED : Applied.Outcome.CREATED,
                        after.generation()));
            }
            return outcomes;
        } catch (StoreConflictException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                try {
                    undo.get(i).run();
                } catch (StoreConflictException changedAgain) {
                    // someone changed it after us: theirs is newer than both, leave it
                }
            }
            throw new OutpostException(ErrorCode.CONFLICT,
                    "another change to these workloads got in first; nothing was applied, try again");
        }
    }

    /**
     * Everything {@link #limits()} and the agents' frame size refuse, before anything is written:
     * one manifest's worth of workloads, each within its replicas and stored size, and room in the cluster.
     */
    private void refuseBeyondLimits(List<Workload> workloads) {
        if (workloads.size() > ManifestParser.MAX_WORKLOADS) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, workloads.size() + " workloads at once; a manifest may hold at most "
                    + ManifestParser.MAX_WORKLOADS + "; split it into several files");
        }
        int added = 0;
        for (Workload workload : workloads) {
            String what = workload.kind().manifestName() + " " + workload.namespace() + "/" + workload.name();
            limits.replicasProblem(what, WorkloadLimits.replicasOf(workload)).ifPresent(why -> {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, why);
            });
            int bytes = write(workload).length;
            if (bytes > MAX_WORKLOAD_BYTES) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, what + " is " + bytes + " bytes when stored; a workload may have at most "
                        + MAX_WORKLOAD_BYTES + " (256 KiB), so that every node's assignments reach it");
            }
            if (store.get(key(workload.namespace(), workload.name())).isEmpty()) {
                added++;
            }
        }
        if (added > 0) {
            int existing = store.list(WorkloadKeys.WORKLOADS).size();
            if (existing + added > limits.maxWorkloads()) {
                throw new OutpostException(ErrorCode.FORBIDDEN, "the cluster has " + existing + " workloads and may have at most "
                        + limits.maxWorkloads() + " (maxWorkloads in etc/org.outpost.server.cfg); delete some with edge:delete first");
            }
        }
    }

    @Override
    public List<StoredWorkload> list() {
        return store.list(WorkloadKeys.WORKLOADS).stream().map(this::stored).toList();
    }

    @Override
    public Optional<StoredWorkload> get(String namespace, String name) {
        return store.get(key(namespace, name)).map(this::stored);
    }

    @Override
    public boolean delete(String namespace, String name) {
        return store.delete(key(namespace, name));
    }

    @Override
    public List<Instance> instances(String namespace, String name) {
        Map<String, InstanceStatus> reported = new HashMap<>();
        for (KeyValue kv : store.list(WorkloadKeys.INSTANCES)) {
            InstanceStatus status = read(kv, InstanceStatus.class);
            reported.put(kv.key().substring(WorkloadKeys.INSTANCES.length()), status);
        }
        List<Instance> instances = new ArrayList<>();
        for (KeyValue kv : store.list(WorkloadKeys.ASSIGNMENTS)) {
            Assignment assignment = read(kv, Assignment.class);
            if (assignment.namespace().equals(namespace) && assignment.workload().equals(name)) {
                instances.add(new Instance(assignment, reported.get(assignment.node() + "/" + assignment.id())));
            }
        }
        return instances;
    }

    @Override
    public Optional<WorkloadProgress> progress(String namespace, String name) {
        return store.get(WorkloadKeys.progress(namespace, name)).map(kv -> read(kv, WorkloadProgress.class));
    }

    @Override
    public Applied rollback(String namespace, String name) {
        String key = key(namespace, name);
        KeyValue current = store.get(key).orElseThrow(() -> new OutpostException(ErrorCode.NOT_FOUND,
                "workload " + namespace + "/" + name + " not found"));
        Entry entry = read(current);
        if (entry.previous() == null) {
            throw new OutpostException(ErrorCode.CONFLICT, "workload " + namespace + "/" + name
                    + " has no earlier revision to roll back to");
        }
        Workload restored = withReplicasOf(entry.previous(), entry.workload());
        Entry after = new Entry(restored, entry.generation() + 1, entry.created(), entry.workload());
        try {
            store.compareAndSet(key, current.modRevision(), write(after));
        } catch (StoreConflictException e) {
            throw new OutpostException(ErrorCode.CONFLICT, "workload " + namespace + "/" + name
                    + " changed while rolling back; nothing was done, try again");
        }
        return new Applied(restored, Applied.Outcome.CONFIGURED, after.generation());
    }

    @Override
    public List<String> evict(String node) {
        List<String> evicted = new ArrayList<>();
        for (KeyValue kv : store.list(WorkloadKeys.assignmentsOf(node))) {
            Assignment a = read(kv, Assignment.class);
            boolean perNode = a.kind() == Kind.DAEMON_SET
                    || a.bundles() != null && a.bundles().mode() == BundleSet.Mode.ALL_NODES;
            if (perNode) {
                continue;
            }
            try {
                store.compareAndDelete(kv.key(), kv.modRevision());
                evicted.add(a.id());
            } catch (StoreConflictException e) {
                // the scheduler changed it meanwhile: it no longer places anything on a cordoned node
            }
        }
        return evicted;
    }

    /** Whether only the replica count differs: scaling is not a new revision to roll back to. */
    static boolean sameTemplate(Workload a, Workload b) {
        return withReplicasOf(a, b).equals(b);
    }

    private static Workload withReplicasOf(Workload spec, Workload replicasFrom) {
        PodTemplate pod = spec.pod();
        if (pod != null && replicasFrom.pod() != null) {
            pod = new PodTemplate(replicasFrom.pod().replicas(), pod.selector(), pod.labels(), pod.containers(),
                    pod.restartPolicy(), pod.nodeSelector(), pod.tolerations());
        }
        BundleSet bundles = spec.bundles();
        if (bundles != null && replicasFrom.bundles() != null) {
            bundles = bundles.withReplicas(replicasFrom.bundles().replicas());
        }
        return new Workload(spec.kind(), spec.name(), spec.namespace(), spec.labels(), pod, bundles);
    }

    private static String key(String namespace, String name) {
        return WorkloadKeys.workload(namespace, name);
    }

    private StoredWorkload stored(KeyValue kv) {
        Entry entry = read(kv);
        return new StoredWorkload(entry.workload(), entry.generation(), entry.created(), kv.modRevision());
    }

    private Entry read(KeyValue kv) {
        return read(kv, Entry.class);
    }

    private <T> T read(KeyValue kv, Class<T> type) {
        try {
            return json.readValue(kv.value(), type);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, kv.key() + " in the store is unreadable: " + e.getMessage(), e);
        }
    }

    private byte[] write(Object entry) {
        try {
            return json.writeValueAsBytes(entry);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "cannot encode workload: " + e.getMessage(), e);
        }
    }
}
