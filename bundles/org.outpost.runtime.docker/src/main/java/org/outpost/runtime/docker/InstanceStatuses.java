package org.outpost.runtime.docker;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.outpost.workload.InstanceStatus;
import org.outpost.workload.InstanceStatus.Phase;

/** An instance's status from its containers', as Kubernetes sums up a pod. */
final class InstanceStatuses {

    private InstanceStatuses() {
    }

    /**
     * Failed when any container failed, else Pending when any is not up yet, else Running while any
     * runs, else Succeeded: all exited 0 for good.
     */
    static InstanceStatus of(String id, String specHash, List<ContainerView> containers, Instant now) {
        Phase phase = containers.stream().map(ContainerView::phase).min(Comparator.comparing(InstanceStatuses::precedence))
                .orElse(Phase.Pending);
        boolean several = containers.size() > 1;
        String reason = containers.stream()
                .filter(container -> container.phase() == phase && container.reason() != null)
                .map(container -> several ? container.name() + ": " + container.reason() : container.reason())
                .collect(Collectors.collectingAndThen(Collectors.joining("; "), joined -> joined.isEmpty() ? null : joined));
        int restarts = containers.stream().mapToInt(ContainerView::restarts).sum();
        Integer exitCode = containers.stream().filter(container -> container.finishedAt() != null)
                .max(Comparator.comparing(ContainerView::finishedAt)).map(ContainerView::lastExitCode).orElse(null);
        Instant since = containers.stream().map(ContainerView::startedAt).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(now);
        return new InstanceStatus(id, specHash, phase, reason, restarts, exitCode, since.toString());
    }

    private static int precedence(Phase phase) {
        return switch (phase) {
            case Failed -> 0;
            case Pending -> 1;
            case Running -> 2;
            case Succeeded -> 3;
        };
    }
}
