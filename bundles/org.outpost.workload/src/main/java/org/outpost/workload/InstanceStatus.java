package org.outpost.workload;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How one workload instance is doing on its node, as its runtime sees it. {@code reason} says why
 * an instance is not Running ({@code image outpost/x:1 is not on this node},
 * {@code CrashLoopBackOff: exit code 1, restarted 3 times}); {@code exitCode} is the last exit
 * of a container, null when it never exited; {@code since} is an ISO-8601 instant.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceStatus(String id, String specHash, Phase phase, String reason, int restarts, Integer exitCode,
        String since) {

    /** Spelled as users see them, as in Kubernetes. */
    public enum Phase {
        Pending, Running, Succeeded, Failed
    }

    public static InstanceStatus pending(Assignment assignment, String reason, String since) {
        return new InstanceStatus(assignment.id(), assignment.specHash(), Phase.Pending, reason, 0, null, since);
    }

    public static InstanceStatus failed(Assignment assignment, String reason, String since) {
        return new InstanceStatus(assignment.id(), assignment.specHash(), Phase.Failed, reason, 0, null, since);
    }
}
