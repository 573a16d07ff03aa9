package org.outpost.workload;

/**
 * A workload as the cluster keeps it: {@code generation} counts the changes to its spec (1 when
 * created), {@code created} is an ISO-8601 instant, {@code revision} the store revision of the
 * last change.
 */
public record StoredWorkload(Workload workload, long generation, String created, long revision) {
}
