package org.outpost.workload;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One workload from a manifest. Deployments and DaemonSets carry a {@link PodTemplate},
 * BundleDeployments a {@link BundleSet}; the other is null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Workload(Kind kind, String name, String namespace, Map<String, String> labels, PodTemplate pod, BundleSet bundles) {
    public Workload {
        labels = Map.copyOf(labels);
    }
}
