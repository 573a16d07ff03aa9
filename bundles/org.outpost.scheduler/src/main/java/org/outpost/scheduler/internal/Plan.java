package org.outpost.scheduler.internal;

import java.util.List;
import java.util.Map;

import org.outpost.workload.Assignment;
import org.outpost.workload.WorkloadProgress;

/**
 * One reconciliation's decisions: instances to bind, instances to remove, and per workload
 * ({@code namespace/name}) what to tell users.
 */
record Plan(List<Assignment> create, List<Placed> delete, Map<String, WorkloadProgress> progress) {
}
