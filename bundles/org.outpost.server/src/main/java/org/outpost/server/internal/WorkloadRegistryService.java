package org.outpost.server.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.outpost.api.ClusterStore;
import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.OutpostException;
import org.outpost.api.StoreConflictException;
import org.outpost.workload.Applied;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadRegistry;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Workloads in the cluster store under {@code /registry/workloads/<namespace>/<name>}. A manifest
 * is applied with one compare-and-set per workload against the revisions read first; if any of
 * them loses, the ones already written are put back, so a manifest is taken whole or not at all.
 */
final class WorkloadRegistryService implements WorkloadRegistry {
    private final ClusterStore store;
    private final ObjectMapper json;
    private final Clock clock;

    WorkloadRegistryService(ClusterStore store, ObjectMapper json, Clock clock) {
        this.store = store;
        this.json = json;
        this.clock = clock;
    }

    /** The stored form; {@code revision} comes from the store, not from here. */
    record Entry(Workload workload, long generation, String created) {
    }

    @Override
    public List<Applied> apply(List<Workload> workloads) {
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
                Entry after = before.map(b -> new Entry(workload, b.generation() + 1, b.created()))
                        .orElseGet(() -> new Entry(workload, 1, clock.instant().toString()));
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

    @Override
    public List<StoredWorkload> list() {
        return store.list(StoreKeys.WORKLOADS).stream().map(this::stored).toList();
    }

    @Override
    public Optional<StoredWorkload> get(String namespace, String name) {
        return store.get(key(namespace, name)).map(this::stored);
    }

    @Override
    public boolean delete(String namespace, String name) {
        return store.delete(key(namespace, name));
    }

    private static String key(String namespace, String name) {
        return StoreKeys.WORKLOADS + namespace + "/" + name;
    }

    private StoredWorkload stored(KeyValue kv) {
        Entry entry = read(kv);
        return new StoredWorkload(entry.workload(), entry.generation(), entry.created(), kv.modRevision());
    }

    private Entry read(KeyValue kv) {
        try {
            return json.readValue(kv.value(), Entry.class);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "workload " + kv.key() + " in the store is unreadable: " + e.getMessage(), e);
        }
    }

    private byte[] write(Entry entry) {
        try {
            return json.writeValueAsBytes(entry);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "cannot encode workload: " + e.getMessage(), e);
        }
    }
}
