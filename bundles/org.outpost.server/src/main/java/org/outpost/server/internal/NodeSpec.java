package org.outpost.server.internal;

import java.util.List;
import java.util.Map;

/**
 * A node's stored spec. {@code reportedLabels} are the labels the agent was started with: an agent
 * changing its own start labels replaces those, while labels an admin set stay. A {@code cordoned}
 * node gets no new workload instances.
 */
record NodeSpec(int version, String name, List<String> roles, Map<String, String> labels,
        Map<String, String> reportedLabels, String created, String certSerial, boolean cordoned) {

    static final int FORMAT = 1;

    NodeSpec {
        roles = List.copyOf(roles);
        labels = Map.copyOf(labels);
        reportedLabels = Map.copyOf(reportedLabels);
    }

    NodeSpec withLabels(Map<String, String> newLabels) {
        return new NodeSpec(version, name, roles, newLabels, reportedLabels, created, certSerial, cordoned);
    }

    NodeSpec withCordon(boolean newCordoned) {
        return new NodeSpec(version, name, roles, labels, reportedLabels, created, certSerial, newCordoned);
    }
}
