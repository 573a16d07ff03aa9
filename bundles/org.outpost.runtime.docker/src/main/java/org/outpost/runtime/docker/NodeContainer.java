package org.outpost.runtime.docker;

import java.util.Map;

import com.github.dockerjava.api.model.Container;

/** A container of this node as the engine lists it: its id and what Outpost's labels say of it. */
record NodeContainer(String id, String instanceId, String containerName, String specHash) {

    static NodeContainer of(Container listed) {
        Map<String, String> labels = listed.getLabels() == null ? Map.of() : listed.getLabels();
        return new NodeContainer(listed.getId(), labels.get(ContainerLabels.INSTANCE),
                labels.get(ContainerLabels.CONTAINER), labels.get(ContainerLabels.SPEC));
    }
}
