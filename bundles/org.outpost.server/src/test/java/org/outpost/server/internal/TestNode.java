package org.outpost.server.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.outpost.api.LocalNode;

/** The server's own node, as the launcher would describe it. */
record TestNode(String name, Path dataDir, Instant started) implements LocalNode {

    @Override
    public String role() {
        return "server";
    }

    @Override
    public Map<String, String> labels() {
        return Map.of();
    }

    @Override
    public String version() {
        return "0.1.0-test";
    }
}
