package org.outpost.workload;

import java.util.Optional;

/**
 * What the server takes, so that one manifest cannot fill the store or the heap (the server's
 * {@code etc/org.outpost.server.cfg}; defaults and reasons in docs/limits.md).
 *
 * @param maxReplicasPerWorkload replicas one Deployment or Replicas-mode BundleDeployment may ask for
 * @param maxWorkloads           workloads the cluster keeps, all namespaces together
 */
public record WorkloadLimits(int maxReplicasPerWorkload, int maxWorkloads) {
    public static final int DEFAULT_MAX_REPLICAS_PER_WORKLOAD = 1000;
    public static final int DEFAULT_MAX_WORKLOADS = 10_000;
    public static final WorkloadLimits DEFAULTS = new WorkloadLimits(DEFAULT_MAX_REPLICAS_PER_WORKLOAD, DEFAULT_MAX_WORKLOADS);

    public WorkloadLimits {
        if (maxReplicasPerWorkload < 1 || maxWorkloads < 1) {
            throw new IllegalArgumentException("workload limits must be 1 or more");
        }
    }

    /** The sentence that refuses {@code replicas} for {@code what} ({@code Deployment default/thermo}), or empty when allowed. */
    public Optional<String> replicasProblem(String what, long replicas) {
        return replicas <= maxReplicasPerWorkload ? Optional.empty() : Optional.of(tooManyReplicas(what, Long.toString(replicas)));
    }

    /** The sentence that refuses a count beyond the limit, written as it was given (it may not fit a long). */
    public String tooManyReplicas(String what, String replicas) {
        return what + " asks for " + replicas + " replicas; a workload may have at most " + maxReplicasPerWorkload
                + " (maxReplicasPerWorkload in etc/org.outpost.server.cfg)";
    }

    /** The replicas a workload asks for, or 0 for those that run on every matching node. */
    public static int replicasOf(Workload workload) {
        if (workload.pod() != null) {
            return workload.pod().replicas();
        }
        return workload.bundles() != null && workload.bundles().mode() == BundleSet.Mode.REPLICAS ? workload.bundles().replicas() : 0;
    }
}
