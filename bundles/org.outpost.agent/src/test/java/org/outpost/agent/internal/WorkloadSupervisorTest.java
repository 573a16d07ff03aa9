package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.workload.Assignment;
import org.outpost.workload.Container;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.Kind;
import org.outpost.workload.PodTemplate;
import org.outpost.workload.Resources;
import org.outpost.workload.RestartPolicy;
import org.outpost.workload.WorkloadRuntime;

import com.fasterxml.jackson.databind.ObjectMapper;

class WorkloadSupervisorTest {
    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final List<ScheduledExecutorService> workers = new ArrayList<>();
    private final BlockingQueue<List<InstanceStatus>> reports = new LinkedBlockingQueue<>();

    /** Holds instances in memory the way an engine would: they outlive the supervisor. */
    static class MemoryRuntime implements WorkloadRuntime {
        final Map<String, InstanceStatus> held = new ConcurrentHashMap<>();
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean up = true;

        @Override
        public String name() {
            return DOCKER;
        }

        @Override
        public boolean available() {
            return up;
        }

        @Override
        public String problem() {
            return up ? null : "Docker Engine at unix:///nowhere does not answer";
        }

        @Override
        public InstanceStatus apply(Assignment a) {
            calls.add("apply " + a.id());
            return held.computeIfAbsent(a.id(), id -> new InstanceStatus(id, a.specHash(), InstanceStatus.Phase.Running, null, 0,
                    null, "2026-11-25T12:00:00Z"));
        }

        @Override
        public void remove(String id) {
            calls.add("remove " + id);
            held.remove(id);
        }

        @Override
        public List<InstanceStatus> instances() {
            return List.copyOf(held.values());
        }

        @Override
        public Closeable logs(String id, int tailLines, boolean follow, Consumer<String> lines) {
            return () -> { };
        }
    }

    static Assignment assignment(String instance) {
        Container c = new Container("main", "outpost/busybox:1", List.of(), List.of(), Map.of(), Resources.NONE);
        return new Assignment("default", "thermo", instance, "gw-1", Kind.DEPLOYMENT, "abc",
                new PodTemplate(1, Map.of(), Map.of(), List.of(c), RestartPolicy.ALWAYS, Map.of(), List.of()), null);
    }

    private WorkloadSupervisor supervisor() {
        return supervisor(Runnable::run);
    }

    private WorkloadSupervisor supervisor(java.util.concurrent.Executor removals) {
        ScheduledThreadPoolExecutor worker = new ScheduledThreadPoolExecutor(1);
        workers.add(worker);
        return new WorkloadSupervisor(dir.resolve("agent/assignments.json"), json, worker, removals,
                Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC), reports::add);
    }

    @AfterEach
    void stop() {
        workers.forEach(ScheduledExecutorService::shutdownNow);
    }

    private List<InstanceStatus> nextReport() throws InterruptedException {
        List<InstanceStatus> report = reports.poll(10, TimeUnit.SECONDS);
        if (report == null) {
            throw new AssertionError("no status report within 10 s");
        }
        return report;
    }

    private static void awaitHeld(MemoryRuntime runtime, java.util.Set<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!runtime.held.keySet().equals(ids)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the runtime holds " + runtime.held.keySet() + ", not " + ids);
            }
            Thread.sleep(10);
        }
    }

    /** The next report that has instance {@code id}, skipping earlier ones. */
    private InstanceStatus reportWith(String id) throws InterruptedException {
        while (true) {
            for (InstanceStatus status : nextReport()) {
                if (status.id().equals(id)) {
                    return status;
                }
            }
        }
    }

    @Test
    void runsAssignmentsReportsThemAndRemovesWhatIsNoLongerAssigned() throws Exception {
        MemoryRuntime docker = new MemoryRuntime();
        docker.held.put("default/stray-zzzzz", new InstanceStatus("default/stray-zzzzz", "old", InstanceStatus.Phase.Running,
                null, 0, null, null));
        WorkloadSupervisor supervisor = supervisor();
        supervisor.addRuntime(docker);
        supervisor.start(60_000);
        nextReport();

        supervisor.assigned(List.of(assignment("thermo-aaaaa"), assignment("thermo-bbbbb")));

        List<InstanceStatus> report = nextReport();
        assertEquals(List.of("default/thermo-aaaaa", "default/thermo-bbbbb"), report.stream().map(InstanceStatus::id).toList());
        assertTrue(report.stream().allMatch(s -> s.phase() == InstanceStatus.Phase.Running));
        assertTrue(docker.calls.contains("remove default/stray-zzzzz"), docker.calls.toString());
        assertEquals(List.of("docker"), supervisor.runtimeNames());

        supervisor.assigned(List.of(assignment("thermo-bbbbb")));
        // a report of the start-up check may still be queued from before the change: skip those
        List<String> ids = nextReport().stream().map(InstanceStatus::id).toList();
        for (int i = 0; i < 3 && ids.contains("default/thermo-aaaaa"); i++) {
            ids = nextReport().stream().map(InstanceStatus::id).toList();
        }
        assertEquals(List.of("default/thermo-bbbbb"), ids);
        // the pass reports first and removes after
        awaitHeld(docker, java.util.Set.of("default/thermo-bbbbb"));
    }

    @Test
    void assignmentsSurviveARestartWithoutTheServer() throws Exception {
        MemoryRuntime docker = new MemoryRuntime();
        WorkloadSupervisor first = supervisor();
        first.addRuntime(docker);
        first.start(60_000);
        first.assigned(List.of(assignment("thermo-aaaaa")));
        assertTrue(Files.readString(dir.resolve("agent/assignments.json")).contains("thermo-aaaaa"));
        reportWith("default/thermo-aaaaa");
        workers.get(0).shutdownNow();
        assertTrue(workers.get(0).awaitTermination(10, TimeUnit.SECONDS));
        docker.held.clear(); // the engine lost the container too (a reboot)
        reports.clear();

        WorkloadSupervisor second = supervisor();
        second.addRuntime(docker);
        second.start(60_000);

        List<InstanceStatus> report = nextReport();
        assertEquals(List.of("default/thermo-aaaaa"), report.stream().map(InstanceStatus::id).toList());
        assertEquals(java.util.Set.of("default/thermo-aaaaa"), docker.held.keySet(), "started again from the saved copy");
    }

    @Test
    void withoutAUsableRuntimeInstancesWaitWithTheReason() throws Exception {
        MemoryRuntime docker = new MemoryRuntime();
        docker.up = false;
        WorkloadSupervisor supervisor = supervisor();
        supervisor.start(60_000);
        supervisor.assigned(List.of(assignment("thermo-aaaaa")));
        InstanceStatus waiting = reportWith("default/thermo-aaaaa");
        assertEquals(InstanceStatus.Phase.Pending, waiting.phase());
        assertEquals("this node has no docker runtime", waiting.reason());

        supervisor.addRuntime(docker);
        InstanceStatus stillWaiting = reportWith("default/thermo-aaaaa");
        assertEquals("Docker Engine at unix:///nowhere does not answer", stillWaiting.reason());
        assertEquals(List.of(), supervisor.runtimeNames(), "an engine that does not answer is not offered to the scheduler");

        docker.up = true;
        supervisor.reportAgain();
        assertEquals(InstanceStatus.Phase.Running, reportWith("default/thermo-aaaaa").phase());
    }

    @Test
    void aSlowRemovalDoesNotHoldUpStartingOthers() throws Exception {
        java.util.concurrent.CountDownLatch releaseRemoval = new java.util.concurrent.CountDownLatch(1);
        MemoryRuntime docker = new MemoryRuntime() {
            @Override
            public void remove(String id) {
                calls.add("removing " + id);
                try {
                    releaseRemoval.await(); // a container that takes its whole stop timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.remove(id);
            }
        };
        java.util.concurrent.ExecutorService removals = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            WorkloadSupervisor supervisor = supervisor(removals);
            supervisor.addRuntime(docker);
            supervisor.start(100);
            supervisor.assigned(List.of(assignment("old-aaaaa")));
            reportWith("default/old-aaaaa");

            supervisor.assigned(List.of(assignment("new-bbbbb")));

            assertEquals(InstanceStatus.Phase.Running, reportWith("default/new-bbbbb").phase());
            assertTrue(docker.held.containsKey("default/old-aaaaa"), "the old one is still being removed");
            Thread.sleep(500); // several passes while the removal hangs
            assertEquals(1, docker.calls.stream().filter(c -> c.equals("removing default/old-aaaaa")).count(),
                    "a removal under way is not started again: " + docker.calls);
            releaseRemoval.countDown();
            awaitHeld(docker, java.util.Set.of("default/new-bbbbb"));
        } finally {
            releaseRemoval.countDown();
            removals.shutdownNow();
        }
    }
}
