package org.outpost.workload.internal;

import java.util.Map;

/**
 * Why Outpost refuses the Kubernetes fields users most often bring along, and what to do instead;
 * any other unknown field is simply "not supported by Outpost". Keyed by the field's own name
 * (e.g. {@code ports}, wherever it appears).
 */
final class UnsupportedFields {
    private static final String NO_NETWORK = "Outpost containers run with network mode none; remove ";
    private static final String NO_PROBES = "Outpost has no probes: an instance is Running while its container runs"
            + " and restartPolicy restarts it when it exits; remove ";
    private static final Map<String, String> WHY = Map.ofEntries(
            Map.entry("ports", NO_NETWORK + "ports"),
            Map.entry("hostNetwork", NO_NETWORK + "hostNetwork"),
            Map.entry("hostPort", NO_NETWORK + "hostPort"),
            Map.entry("imagePullPolicy", "images are never pulled; remove it"),
            Map.entry("imagePullSecrets", "images are never pulled (load them into the node's Docker Engine);"
                    + " remove imagePullSecrets"),
            Map.entry("volumes", "Outpost containers get no volumes; remove volumes"),
            Map.entry("volumeMounts", "Outpost containers get no volumes; remove volumeMounts"),
            Map.entry("livenessProbe", NO_PROBES + "livenessProbe"),
            Map.entry("readinessProbe", NO_PROBES + "readinessProbe"),
            Map.entry("startupProbe", NO_PROBES + "startupProbe"),
            Map.entry("strategy", "Outpost updates one instance at a time, a new one next to an old one;"
                    + " remove strategy"),
            Map.entry("updateStrategy", "Outpost updates one node at a time; remove updateStrategy"),
            Map.entry("affinity", "Outpost places by nodeSelector; use nodeSelector instead of affinity"));

    private UnsupportedFields() {
    }

    /** The sentence for {@code field} where it is not allowed. */
    static String why(String field) {
        return WHY.getOrDefault(field, "not supported by Outpost");
    }
}
