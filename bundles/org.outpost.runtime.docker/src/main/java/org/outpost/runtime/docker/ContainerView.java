package org.outpost.runtime.docker;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

import org.outpost.workload.InstanceStatus.Phase;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse.ContainerState;
import com.github.dockerjava.api.model.RestartPolicy;

/**
 * One container's part in its instance's status, read from {@code docker inspect}.
 *
 * @param lastExitCode the code of the container's latest exit, null while it never exited
 * @param startedAt null while it never started
 * @param finishedAt null while it never exited
 */
record ContainerView(String name, Phase phase, String reason, int restarts, Integer lastExitCode, Instant startedAt,
        Instant finishedAt) {

    /** A container of the template that does not exist (yet). */
    static ContainerView missing(String name) {
        return new ContainerView(name, Phase.Pending, "ContainerCreating", 0, null, null, null);
    }

    /** A container the engine would not create or start. */
    static ContainerView failed(String name, String reason) {
        return new ContainerView(name, Phase.Failed, reason, 0, null, null, null);
    }

    /** Docker resets its restart back-off once a container has run this long: until then it is crash-looping. */
    static final java.time.Duration BACKOFF_RESET = java.time.Duration.ofSeconds(10);

    static ContainerView of(InspectContainerResponse inspected) {
        return of(inspected, Instant.now());
    }

    static ContainerView of(InspectContainerResponse inspected, Instant now) {
        Map<String, String> labels = inspected.getConfig() == null ? null : inspected.getConfig().getLabels();
        String name = labels != null && labels.containsKey(ContainerLabels.CONTAINER) ? labels.get(ContainerLabels.CONTAINER)
                : inspected.getName();
        ContainerState state = inspected.getState();
        int restarts = inspected.getRestartCount() == null ? 0 : inspected.getRestartCount();
        int exitCode = state.getExitCodeLong() == null ? 0 : state.getExitCodeLong().intValue();
        String code = exitCode + (Boolean.TRUE.equals(state.getOOMKilled()) ? " (out of memory)" : "");
        Instant finishedAt = instant(state.getFinishedAt());
        String status = state.getStatus() == null ? "" : state.getStatus();
        Instant startedAt = instant(state.getStartedAt());
        // up again after a failure, but not yet for long enough to count as recovered
        // (the engine resets the exit code when it starts the container again, so the last one is not known here)
        if (status.equals("running") && restarts > 0 && finishedAt != null && startedAt != null
                && startedAt.plus(BACKOFF_RESET).isAfter(now)) {
            return new ContainerView(name, Phase.Failed, "CrashLoopBackOff: restarted " + restarts + " times, up again for less than "
                    + BACKOFF_RESET.toSeconds() + " s", restarts, null, startedAt, finishedAt);
        }
        Phase phase = switch (status) {
            case "running", "paused" -> Phase.Running;
            // Docker waits before each restart, twice as long each time: Kubernetes' CrashLoopBackOff
            case "restarting", "dead" -> Phase.Failed;
            case "exited" -> restartWanted(restartPolicy(inspected), exitCode) ? Phase.Pending
                    : exitCode == 0 ? Phase.Succeeded : Phase.Failed;
            default -> Phase.Pending; // created, removing
        };
        String reason = switch (status) {
            case "running", "paused" -> null;
            case "restarting" -> "CrashLoopBackOff: exit code " + code + ", restarted " + restarts + " times";
            case "dead" -> "the engine could not stop or remove the container (dead)";
            case "created" -> "ContainerCreating";
            case "exited" -> phase == Phase.Succeeded ? null
                    : phase == Phase.Failed ? "exited with code " + code
                    : "stopped with exit code " + code + ", to be started again";
            default -> status.isEmpty() ? "state unknown" : status;
        };
        return new ContainerView(name, phase, reason, restarts, finishedAt == null ? null : exitCode,
                startedAt, finishedAt);
    }

    /** Whether the policy wants a container running again after it exited with this code. */
    static boolean restartWanted(String dockerPolicy, long exitCode) {
        return switch (dockerPolicy) {
            case "always", "unless-stopped" -> true;
            case "on-failure" -> exitCode != 0;
            default -> false;
        };
    }

    private static String restartPolicy(InspectContainerResponse inspected) {
        RestartPolicy policy = inspected.getHostConfig() == null ? null : inspected.getHostConfig().getRestartPolicy();
        return policy == null || policy.getName() == null ? "no" : policy.getName();
    }

    /** Docker writes {@code 0001-01-01T00:00:00Z} for "never". */
    private static Instant instant(String dockerTime) {
        if (dockerTime == null || dockerTime.isBlank()) {
            return null;
        }
        try {
            Instant instant = Instant.parse(dockerTime);
            return instant.getEpochSecond() <= 0 ? null : instant;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
