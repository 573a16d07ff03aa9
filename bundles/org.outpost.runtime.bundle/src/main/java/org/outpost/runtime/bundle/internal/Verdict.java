package org.outpost.runtime.bundle.internal;

import org.outpost.workload.InstanceStatus.Phase;

/** How an instance's bundles and feature are doing in the framework right now. */
record Verdict(Phase phase, String reason) {
    static final Verdict RUNNING = new Verdict(Phase.Running, null);

    static Verdict pending(String reason) {
        return new Verdict(Phase.Pending, reason);
    }

    boolean running() {
        return phase == Phase.Running;
    }
}
