package org.outpost.workload;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happens when a container exits, as Kubernetes spells it. */
public enum RestartPolicy {
    @JsonProperty("Always")
    ALWAYS,
    @JsonProperty("OnFailure")
    ON_FAILURE,
    @JsonProperty("Never")
    NEVER
}
