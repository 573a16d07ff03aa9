package org.outpost.runtime.bundle.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.outpost.api.LocalNode;

/** An agent node with its data directory in the test's. */
record TestNode(Path dataDir) implements LocalNode {

    @Override
    public String name() {
        return "edge-1";
    }

    @Override
    public String role() {
        return "agent";
    }

    @Override
    public Map<String, String> labels() {
        return Map.of();
    }

    @Override
    public String version() {
        return "0.1.0-test";
    }

    @Override
    public Instant started() {
        return Instant.EPOCH;
    }
}
