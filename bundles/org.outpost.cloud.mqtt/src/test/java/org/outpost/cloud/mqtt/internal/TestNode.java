package org.outpost.cloud.mqtt.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.outpost.api.LocalNode;

/** A node as the uplink sees it: name, version, labels, start time. */
record TestNode(String name, String version, Map<String, String> labels, Instant started) implements LocalNode {

    static TestNode gateway() {
        return new TestNode("gw-test", "0.1.0", Map.of("model", "Test Box", "serial", "SN-42"),
                Instant.now().minusSeconds(90));
    }

    @Override
    public String role() {
        return "agent";
    }

    @Override
    public Path dataDir() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    NodeFacts facts() {
        return NodeFacts.of(this, "Apache Software Foundation", "7.0.5");
    }
}
