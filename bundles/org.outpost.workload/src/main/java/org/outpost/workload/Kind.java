package org.outpost.workload;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The kinds of workload Outpost accepts, with the {@code apiVersion} each belongs to. */
public enum Kind {
    @JsonProperty("Deployment")
    DEPLOYMENT("apps/v1", "Deployment"),
    @JsonProperty("DaemonSet")
    DAEMON_SET("apps/v1", "DaemonSet"),
    @JsonProperty("BundleDeployment")
    BUNDLE_DEPLOYMENT("edge.outpost.org/v1", "BundleDeployment");

    private final String apiVersion;
    private final String manifestName;

    Kind(String apiVersion, String manifestName) {
        this.apiVersion = apiVersion;
        this.manifestName = manifestName;
    }

    public String apiVersion() {
        return apiVersion;
    }

    /** The {@code kind:} as a manifest spells it. */
    public String manifestName() {
        return manifestName;
    }
}
