package org.outpost.workload;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One instance of a workload placed on one node: what that node's agent runs. {@code instance}
 * is unique within the namespace ({@code thermo-x7k2p}); {@code specHash} names the version of
 * the template it was made from, so a rolling update can tell old instances from new ones.
 * Deployments and DaemonSets carry {@code pod}, BundleDeployments {@code bundles}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Assignment(String namespace, String workload, String instance, String node, Kind kind, String specHash,
        PodTemplate pod, BundleSet bundles) {

    /** {@code namespace/instance}: how agents, runtimes and the store key an instance. */
    public String id() {
        return namespace + "/" + instance;
    }
}
