package org.outpost.workload;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a BundleDeployment installs into agents' own frameworks: either {@code bundles}
 * ({@code mvn:} coordinates or URLs), or one {@code feature}, or one {@code deploymentPackage}
 * (the URL of a {@code .dp}, installed through Deployment Admin), on every matching node
 * ({@link Mode#ALL_NODES}) or on {@code replicas} of them.
 */
public record BundleSet(List<String> bundles, FeatureRef feature, Map<String, String> nodeSelector, Mode mode, int replicas,
        // left out when absent, so that stored workloads and their spec hashes stay as they were
        @JsonInclude(JsonInclude.Include.NON_NULL) String deploymentPackage) {
    public BundleSet {
        bundles = List.copyOf(bundles);
        nodeSelector = Map.copyOf(nodeSelector);
    }

    /** Bundles or a feature, no deployment package. */
    public BundleSet(List<String> bundles, FeatureRef feature, Map<String, String> nodeSelector, Mode mode, int replicas) {
        this(bundles, feature, nodeSelector, mode, replicas, null);
    }

    /** The same set with another replica count. */
    public BundleSet withReplicas(int count) {
        return new BundleSet(bundles, feature, nodeSelector, mode, count, deploymentPackage);
    }

    public enum Mode {
        @JsonProperty("AllNodes")
        ALL_NODES,
        @JsonProperty("Replicas")
        REPLICAS
    }
}
