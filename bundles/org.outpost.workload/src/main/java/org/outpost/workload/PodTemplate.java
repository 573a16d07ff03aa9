package org.outpost.workload;

import java.util.List;
import java.util.Map;

/**
 * The container part of a Deployment or DaemonSet. {@code replicas} is the Deployment's count;
 * a DaemonSet runs one on every matching node and has 0 here.
 */
public record PodTemplate(int replicas, Map<String, String> selector, Map<String, String> labels, List<Container> containers,
        RestartPolicy restartPolicy, Map<String, String> nodeSelector, List<Toleration> tolerations) {
    public PodTemplate {
        selector = Map.copyOf(selector);
        labels = Map.copyOf(labels);
        containers = List.copyOf(containers);
        nodeSelector = Map.copyOf(nodeSelector);
        tolerations = List.copyOf(tolerations);
    }
}
