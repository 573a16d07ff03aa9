package org.outpost.workload;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a BundleDeployment installs into agents' own frameworks: either {@code bundles}
 * ({@code mvn:} coordinates or URLs) or one {@code feature}, on every matching node
 * ({@link Mode#ALL_NODES}) or on {@code replicas} of them.
 */
public record BundleSet(List<String> bundles, FeatureRef feature, Map<String, String> nodeSelector, Mode mode, int replicas) {
    public BundleSet {
        bundles = List.copyOf(bundles);
        nodeSelector = Map.copyOf(nodeSelector);
    }

    public enum Mode {
        @JsonProperty("AllNodes")
        ALL_NODES,
        @JsonProperty("Replicas")
        REPLICAS
    }
}
