package org.outpost.scheduler.internal;

import org.outpost.workload.Assignment;
import org.outpost.workload.InstanceStatus;

/**
 * An assignment as stored ({@code modRevision} for compare-and-delete) with the status its node
 * last reported for it, null before the first report or when the report is for another spec.
 */
record Placed(Assignment assignment, long modRevision, InstanceStatus status) {

    boolean running() {
        return status != null && status.phase() == InstanceStatus.Phase.Running;
    }

    boolean failed() {
        return status != null && status.phase() == InstanceStatus.Phase.Failed;
    }

    String node() {
        return assignment.node();
    }
}
