package org.outpost.workload;

/**
 * Where workloads and their instances live in the cluster store (docs/store-layout.md). The
 * server, the scheduler and the agents' sessions all read and write these keys.
 */
public final class WorkloadKeys {
    /** {@code <namespace>/<name>} → the workload as applied. */
    public static final String WORKLOADS = "/registry/workloads/";
    /** {@code <node>/<namespace>/<instance>} → an {@link Assignment}, written by the scheduler. */
    public static final String ASSIGNMENTS = "/registry/assignments/";
    /** {@code <node>/<namespace>/<instance>} → the {@link InstanceStatus} the node's agent last reported. */
    public static final String INSTANCES = "/registry/instances/";
    /** {@code <namespace>/<name>} → a {@link WorkloadProgress}, written by the scheduler. */
    public static final String PROGRESS = "/registry/progress/";

    private WorkloadKeys() {
    }

    public static String workload(String namespace, String name) {
        return WORKLOADS + namespace + "/" + name;
    }

    public static String assignment(Assignment assignment) {
        return ASSIGNMENTS + assignment.node() + "/" + assignment.id();
    }

    public static String assignmentsOf(String node) {
        return ASSIGNMENTS + node + "/";
    }

    /** {@code id} is {@link Assignment#id()}. */
    public static String instance(String node, String id) {
        return INSTANCES + node + "/" + id;
    }

    public static String instancesOf(String node) {
        return INSTANCES + node + "/";
    }

    public static String progress(String namespace, String name) {
        return PROGRESS + namespace + "/" + name;
    }
}
