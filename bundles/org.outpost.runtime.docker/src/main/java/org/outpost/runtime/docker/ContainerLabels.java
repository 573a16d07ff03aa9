package org.outpost.runtime.docker;

import java.util.LinkedHashMap;
import java.util.Map;

import org.outpost.workload.Assignment;
import org.outpost.workload.Container;

/**
 * The labels that mark a container as this node's, and its Docker name. Several Outpost nodes may
 * share one engine, so the runtime lists only containers carrying its node's label and never
 * touches any other.
 */
final class ContainerLabels {

    static final String NODE = "org.outpost.node";
    static final String INSTANCE = "org.outpost.instance";
    static final String WORKLOAD = "org.outpost.workload";
    static final String SPEC = "org.outpost.spec";
    static final String CONTAINER = "org.outpost.container";

    private ContainerLabels() {
    }

    static Map<String, String> of(String node, Assignment assignment, Container container) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NODE, node);
        labels.put(INSTANCE, assignment.id());
        labels.put(WORKLOAD, assignment.namespace() + "/" + assignment.workload());
        labels.put(SPEC, assignment.specHash());
        labels.put(CONTAINER, container.name());
        return labels;
    }

    /** Filter for every container of this node. */
    static Map<String, String> ofNode(String node) {
        return Map.of(NODE, node);
    }

    /** Filter for the containers of one instance of this node. */
    static Map<String, String> ofInstance(String node, String instanceId) {
        return Map.of(NODE, node, INSTANCE, instanceId);
    }

    /** {@code outpost_<node>_<namespace>_<instance>_<container>}, in the characters Docker allows in names. */
    static String containerName(String node, Assignment assignment, Container container) {
        return String.join("_", "outpost", sanitize(node), sanitize(assignment.namespace()),
                sanitize(assignment.instance()), sanitize(container.name()));
    }

    private static String sanitize(String part) {
        return part.replaceAll("[^a-zA-Z0-9_.-]", "-");
    }
}
