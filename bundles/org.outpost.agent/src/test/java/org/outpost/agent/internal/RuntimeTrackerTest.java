package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.WorkloadRuntime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class RuntimeTrackerTest {
    @TempDir
    Path dir;

    private final ObjectMapper json = AgentJson.mapper();
    private final List<String> sent = new ArrayList<>();
    private final RuntimeTracker tracker = new RuntimeTracker(() -> "gw-1", json, sent::add);

    /** A supervisor that never runs a pass: what it was handed is all that is looked at. */
    private WorkloadSupervisor supervisor() {
        ScheduledThreadPoolExecutor idle = new ScheduledThreadPoolExecutor(1);
        idle.shutdownNow();
        return new WorkloadSupervisor(dir.resolve("assignments.json"), json, idle, Runnable::run, Clock.systemUTC(),
                tracker::report);
    }

    private static WorkloadRuntime named(String name) {
        return new WorkloadSupervisorTest.MemoryRuntime() {
            @Override
            public String name() {
                return name;
            }
        };
    }

    @Test
    void runtimesThatArriveBeforeTheSupervisorWaitForIt() {
        WorkloadRuntime docker = named(WorkloadRuntime.DOCKER);
        WorkloadRuntime bundle = named(WorkloadRuntime.BUNDLE);
        tracker.addRuntime(docker);
        tracker.addRuntime(bundle);
        tracker.removeRuntime(bundle);
        assertEquals(List.of(), tracker.runtimeNames());
        assertNull(tracker.runtime(WorkloadRuntime.DOCKER));
        tracker.assigned(List.of(WorkloadSupervisorTest.assignment("thermo-aaaaa"))); // no supervisor yet: nothing to do

        WorkloadSupervisor supervisor = supervisor();
        tracker.start(supervisor);

        assertSame(supervisor, tracker.supervisor());
        assertSame(docker, supervisor.runtime(WorkloadRuntime.DOCKER));
        assertNull(supervisor.runtime(WorkloadRuntime.BUNDLE), "a runtime gone before the start is not handed over");
        assertTrue(supervisor.assignments().isEmpty());
    }

    @Test
    void afterTheStartRuntimesAndAssignmentsGoToTheSupervisor() {
        WorkloadSupervisor supervisor = supervisor();
        tracker.start(supervisor);
        WorkloadRuntime bundle = named(WorkloadRuntime.BUNDLE);

        tracker.addRuntime(bundle);
        assertSame(bundle, tracker.runtime(WorkloadRuntime.BUNDLE));
        tracker.assigned(List.of(WorkloadSupervisorTest.assignment("thermo-aaaaa")));
        assertEquals("thermo-aaaaa", tracker.assignment("default/thermo-aaaaa").instance());
        assertNull(tracker.assignment("default/other-bbbbb"));

        tracker.removeRuntime(bundle);
        assertNull(tracker.runtime(WorkloadRuntime.BUNDLE));
    }

    @Test
    void aStatusReportIsOneStatusFrame() throws Exception {
        tracker.report(List.of());
        assertEquals(List.of(), sent, "no report before the supervisor runs");

        tracker.start(supervisor());
        tracker.report(List.of(new InstanceStatus("default/thermo-aaaaa", "abc", InstanceStatus.Phase.Running, null, 0, null,
                "2026-12-01T10:00:00Z")));

        assertEquals(1, sent.size());
        JsonNode status = json.readTree(sent.get(0));
        assertEquals("status", status.path("type").asText());
        assertTrue(status.path("runtimes").isArray());
        assertEquals("default/thermo-aaaaa", status.path("instances").path(0).path("id").asText());
        assertEquals("Running", status.path("instances").path(0).path("phase").asText());
    }
}
