package org.outpost.workload;

import java.util.List;
import java.util.Optional;

/**
 * The workloads the cluster should run, kept in the cluster store by the server. Placing them on
 * nodes is the scheduler's job; this is only what was asked for.
 */
public interface WorkloadRegistry {

    /**
     * Stores every workload of one manifest, or none of them: when another change to one of them
     * gets in first, what this call already wrote is put back and it fails with
     * {@code ErrorCode.CONFLICT}.
     */
    List<Applied> apply(List<Workload> workloads);

    List<StoredWorkload> list();

    Optional<StoredWorkload> get(String namespace, String name);

    /** Removes a workload; false when there was none of that name. */
    boolean delete(String namespace, String name);
}
