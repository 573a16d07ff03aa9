package org.outpost.workload.internal;

import java.util.ArrayList;
import java.util.List;

import org.outpost.workload.ManifestException.Problem;
import org.yaml.snakeyaml.nodes.Node;

/** Collects what is wrong with one manifest file, each with its 1-based line. */
public final class Problems {
    private final String source;
    private final List<Problem> found = new ArrayList<>();

    public Problems(String source) {
        this.source = source;
    }

    void add(Node at, String field, String message) {
        found.add(new Problem(source, line(at), field, message));
    }

    public void add(int line, String field, String message) {
        found.add(new Problem(source, line, field, message));
    }

    public List<Problem> all() {
        return List.copyOf(found);
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    static int line(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }
}
