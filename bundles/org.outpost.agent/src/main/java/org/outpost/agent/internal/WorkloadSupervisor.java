package org.outpost.agent.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.outpost.workload.Assignment;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.WorkloadRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Keeps this node's workload instances as assigned. The assignments are written to
 * {@code <data-dir>/agent/assignments.json} before anything is done with them, so with the server
 * away — even after a {@code kill -9} of this JVM — the node goes on running what it was last told.
 * Every few seconds, and at once after a change, each assignment is handed to its runtime and
 * instances no assignment names are removed; what the runtimes say is reported whenever it changes.
 */
final class WorkloadSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadSupervisor.class);
    private static final TypeReference<List<Assignment>> ASSIGNMENTS = new TypeReference<>() {
    };

    private final Path file;
    private final ObjectMapper json;
    private final ScheduledExecutorService worker;
    /** Stopping a container can take its whole stop timeout: never in the way of starting others. */
    private final java.util.concurrent.Executor removals;
    private final java.util.Set<String> removing = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private final Consumer<List<InstanceStatus>> reporter;
    private final Map<String, WorkloadRuntime> runtimes = new ConcurrentHashMap<>();
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private volatile Map<String, Assignment> desired = Map.of();
    private volatile List<InstanceStatus> lastReported;
    private volatile List<InstanceStatus> current = List.of();
    /** Runtimes that answered at the last pass: what the scheduler may place here. */
    private volatile List<String> usable = List.of();
    private volatile List<String> lastReportedRuntimes;

    WorkloadSupervisor(Path file, ObjectMapper json, ScheduledExecutorService worker, java.util.concurrent.Executor removals,
            Clock clock, Consumer<List<InstanceStatus>> reporter) {
        this.file = file;
        this.json = json;
        this.worker = worker;
        this.removals = removals;
        this.clock = clock;
        this.reporter = reporter;
        loadSaved();
    }

    /** The last assignments this node was given, before any pass can run. */
    private void loadSaved() {
        try {
            if (Files.isRegularFile(file)) {
                desired = byId(json.readValue(file.toFile(), ASSIGNMENTS));
                LOG.info("Resuming {} workload instance(s) from {}", desired.size(), file);
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the saved assignments {}; waiting for the server's: {}", file, e.getMessage());
        }
    }

    /** Starts keeping the assignments: now, then every {@code periodMillis}. */
    void start(long periodMillis) {
        worker.scheduleWithFixedDelay(this::queuePass, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    void addRuntime(WorkloadRuntime runtime) {
        runtimes.put(runtime.name(), runtime);
        queuePass();
    }

    void removeRuntime(WorkloadRuntime runtime) {
        runtimes.remove(runtime.name(), runtime);
        queuePass();
    }

    /** The runtimes that can work now (checked on the worker: an engine check may block). */
    List<String> runtimeNames() {
        return usable;
    }

    List<InstanceStatus> statuses() {
        return current;
    }

    Map<String, Assignment> assignments() {
        return desired;
    }

    WorkloadRuntime runtime(String name) {
        return runtimes.get(name);
    }

    /** The server's complete list for this node; saved before it is acted on. */
    void assigned(List<Assignment> assignments) {
        Map<String, Assignment> next = byId(assignments);
        if (next.equals(desired)) {
            return;
        }
        try {
            save(List.copyOf(next.values()));
        } catch (IOException e) {
            // still act on it: running what the server wants matters more than remembering it
            LOG.warn("Cannot save assignments to {}: {}", file, e.getMessage());
        }
        desired = next;
        queuePass();
    }

    /** Reports everything again, e.g. to a server that has just welcomed this node. */
    void reportAgain() {
        lastReported = null;
        lastReportedRuntimes = null;
        queuePass();
    }

    private void queuePass() {
        if (passQueued.compareAndSet(false, true)) {
            try {
                worker.execute(this::pass);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                passQueued.set(false); // stopping
            }
        }
    }

    private void pass() {
        passQueued.set(false);
        usable = runtimes.values().stream().filter(WorkloadSupervisor::answers).map(WorkloadRuntime::name).sorted().toList();
        Map<String, Assignment> wanted = desired;
        Map<String, InstanceStatus> states = new TreeMap<>();
        // instances that are new here first: they wait, the ones already running only get checked
        java.util.Set<String> known = new java.util.HashSet<>();
        current.forEach(status -> known.add(status.id()));
        wanted.values().stream().filter(a -> !known.contains(a.id())).forEach(a -> states.put(a.id(), applyOne(a)));
        wanted.values().stream().filter(a -> known.contains(a.id())).forEach(a -> states.put(a.id(), applyOne(a)));
        List<InstanceStatus> report = new ArrayList<>(states.values());
        current = report;
        List<String> runtimesNow = usable;
        if (!report.equals(lastReported) || !runtimesNow.equals(lastReportedRuntimes)) {
            reporter.accept(report);
            lastReported = report;
            lastReportedRuntimes = runtimesNow;
        }
        removeUnassigned(wanted);
    }

    /** Whatever a runtime holds that no assignment names goes (off this thread: see {@link #remove}). */
    private void removeUnassigned(Map<String, Assignment> wanted) {
        for (WorkloadRuntime runtime : runtimes.values()) {
            List<InstanceStatus> held;
            try {
                held = runtime.instances();
            } catch (RuntimeException e) {
                continue; // an engine that does not answer now; its instances are reported by apply
            }
            for (InstanceStatus instance : held) {
                Assignment a = wanted.get(instance.id());
                if (a == null || !WorkloadRuntime.runtimeFor(a).equals(runtime.name())) {
                    remove(runtime, instance.id());
                }
            }
        }
    }

    private static boolean answers(WorkloadRuntime runtime) {
        try {
            return runtime.available();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private InstanceStatus applyOne(Assignment a) {
        String since = clock.instant().toString();
        String needed = WorkloadRuntime.runtimeFor(a);
        WorkloadRuntime runtime = runtimes.get(needed);
        if (runtime == null) {
            return InstanceStatus.pending(a, "this node has no " + needed + " runtime", sinceOf(a, since));
        }
        if (!runtime.available()) {
            return InstanceStatus.pending(a, runtime.problem(), sinceOf(a, since));
        }
        try {
            return runtime.apply(a);
        } catch (RuntimeException e) {
            LOG.warn("Runtime {} failed on {}: {}", needed, a.id(), e.toString());
            return InstanceStatus.failed(a, needed + " runtime failed: " + e.getMessage(), sinceOf(a, since));
        }
    }

    /** Keeps a waiting instance's "since" from moving every pass. */
    private String sinceOf(Assignment a, String now) {
        return current.stream().filter(s -> s.id().equals(a.id())).map(InstanceStatus::since).findFirst().orElse(now);
    }

    private void remove(WorkloadRuntime runtime, String id) {
        if (!removing.add(id)) {
            return; // already under way
        }
        try {
            removals.execute(() -> {
                try {
                    runtime.remove(id);
                    LOG.info("Removed workload instance {} ({} runtime): no longer assigned to this node", id, runtime.name());
                } catch (RuntimeException e) {
                    LOG.warn("Cannot remove {} from the {} runtime yet: {}", id, runtime.name(), e.toString());
                } finally {
                    removing.remove(id);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            removing.remove(id); // stopping
        }
    }

    private void save(List<Assignment> assignments) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(java.nio.ByteBuffer.wrap(json.writeValueAsBytes(assignments)));
            out.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Map<String, Assignment> byId(List<Assignment> assignments) {
        Map<String, Assignment> out = new LinkedHashMap<>();
        assignments.stream().sorted(Comparator.comparing(Assignment::id)).forEach(a -> out.put(a.id(), a));
        return Map.copyOf(out);
    }
}
