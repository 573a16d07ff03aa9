package org.outpost.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.InstanceStatus.Phase;

class InstanceStatusesTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final Instant EARLIER = NOW.minusSeconds(60);

    @Test
    void failedBeatsPendingBeatsRunningBeatsSucceededAndReasonsNameTheirContainer() {
        ContainerView running = new ContainerView("app", Phase.Running, null, 1, 0, EARLIER, null);
        ContainerView done = new ContainerView("init", Phase.Succeeded, null, 0, 0, EARLIER.minusSeconds(5), EARLIER);
        ContainerView crashing = new ContainerView("sidecar", Phase.Failed, "CrashLoopBackOff: exit code 2, restarted 4 times",
                4, 2, NOW.minusSeconds(1), NOW.minusSeconds(2));

        assertEquals(Phase.Running, of(running, done).phase());
        assertEquals(Phase.Pending, of(running, ContainerView.missing("late")).phase());
        InstanceStatus failed = of(running, done, crashing, ContainerView.missing("late"));

        assertEquals(Phase.Failed, failed.phase());
        assertEquals("sidecar: CrashLoopBackOff: exit code 2, restarted 4 times", failed.reason());
        assertEquals(5, failed.restarts());
        assertEquals(2, failed.exitCode(), "the exit that happened last");
        assertEquals(NOW.minusSeconds(1).toString(), failed.since(), "the latest start");
    }

    @Test
    void aSingleContainersReasonStandsAloneAndANeverStartedInstanceIsSinceNow() {
        InstanceStatus pending = of(ContainerView.missing("app"));

        assertEquals(Phase.Pending, pending.phase());
        assertEquals("ContainerCreating", pending.reason());
        assertEquals(null, pending.exitCode());
        assertEquals(NOW.toString(), pending.since());
        assertEquals(Phase.Succeeded,
                of(new ContainerView("job", Phase.Succeeded, null, 0, 0, EARLIER, NOW)).phase());
    }

    private static InstanceStatus of(ContainerView... containers) {
        return InstanceStatuses.of("ns/app-1", "h1", List.of(containers), NOW);
    }
}
