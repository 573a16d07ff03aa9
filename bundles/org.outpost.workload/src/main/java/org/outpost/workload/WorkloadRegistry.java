package org.outpost.workload;

import java.util.List;
import java.util.Optional;

/**
 * The workloads the cluster should run, kept in the cluster store by the server. Placing them on
 * nodes is the scheduler's job; this is only what was asked for.
 */
public interface WorkloadRegistry {

    /** What this registry takes; {@link #apply} refuses workloads beyond it. */
    default WorkloadLimits limits() {
        return WorkloadLimits.DEFAULTS;
    }

    /**
     * Stores every workload of one manifest, or none of them: when another change to one of them
     * gets in first, what this call already wrote is put back and it fails with
     * {@code ErrorCode.CONFLICT}. A workload beyond {@link #limits()} fails it with
     * {@code ErrorCode.INVALID_ARGUMENT} (too many replicas or workloads in one manifest) or
     * {@code ErrorCode.FORBIDDEN} (the cluster holds as many workloads as it may), before anything is written.
     */
    List<Applied> apply(List<Workload> workloads);

    List<StoredWorkload> list();

    Optional<StoredWorkload> get(String namespace, String name);

    /** Removes a workload; false when there was none of that name. Its instances are removed by the scheduler. */
    boolean delete(String namespace, String name);

    /** The workload's placed instances, by node name then instance. */
    List<Instance> instances(String namespace, String name);

    /** What the scheduler last said about the workload, if it has looked at it yet. */
    Optional<WorkloadProgress> progress(String namespace, String name);

    /**
     * Puts back the spec the workload had before its last change (its replica count stays), as one
     * new generation.
     *
     * @throws org.outpost.api.OutpostException {@code NOT_FOUND} for an unknown workload,
     *         {@code CONFLICT} when it has no earlier spec
     */
    Applied rollback(String namespace, String name);

    /**
     * Takes the instances of Deployments and Replicas-mode BundleDeployments off a node, so the
     * scheduler places them elsewhere (with the node cordoned, not there again). Per-node
     * workloads (DaemonSets, AllNodes BundleDeployments) stay.
     *
     * @return the instances taken off, as {@code namespace/instance}
     */
    List<String> evict(String node);
}
