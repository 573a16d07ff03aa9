package org.outpost.workload;

/** A placed instance and what its node last reported about it; {@code status} is null until the node reports. */
public record Instance(Assignment assignment, InstanceStatus status) {

    public boolean running() {
        return status != null && status.phase() == InstanceStatus.Phase.Running
                && assignment.specHash().equals(status.specHash());
    }
}
