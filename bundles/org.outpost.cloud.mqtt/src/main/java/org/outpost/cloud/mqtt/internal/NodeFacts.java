package org.outpost.cloud.mqtt.internal;

import java.time.Instant;
import java.util.Objects;

import org.outpost.api.LocalNode;

/**
 * What the BIRTH certificate says about this node that does not change while it runs.
 *
 * @param modelName the node's {@code model} label, or "Outpost"
 * @param serialNumber the node's {@code serial} label, or empty
 * @param osgiFramework the framework vendor and version (e.g. Apache Software Foundation / 7.0.5), or empty
 */
record NodeFacts(String displayName, String version, String modelName, String serialNumber, String osgiFramework,
        String osgiFrameworkVersion, Instant started) {

    static final String DEFAULT_MODEL = "Outpost";

    NodeFacts {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(started, "started");
        version = version == null ? "" : version;
        modelName = modelName == null || modelName.isBlank() ? DEFAULT_MODEL : modelName;
        serialNumber = serialNumber == null ? "" : serialNumber;
        osgiFramework = osgiFramework == null ? "" : osgiFramework;
        osgiFrameworkVersion = osgiFrameworkVersion == null ? "" : osgiFrameworkVersion;
    }

    static NodeFacts of(LocalNode node, String osgiFramework, String osgiFrameworkVersion) {
        return new NodeFacts(node.name(), node.version(), node.labels().get("model"), node.labels().get("serial"),
                osgiFramework, osgiFrameworkVersion, node.started());
    }
}
