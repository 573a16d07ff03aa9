package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.console.CommandLine;
import org.junit.jupiter.api.Test;
import org.outpost.api.NodeStatus;

class NodeNameCompleterTest {

    /** The command line {@code edge:node <typed>} with the cursor at the end. */
    record Line(String typed) implements CommandLine {
        @Override
        public int getCursorArgumentIndex() {
            return 1;
        }

        @Override
        public String getCursorArgument() {
            return typed;
        }

        @Override
        public int getArgumentPosition() {
            return typed.length();
        }

        @Override
        public String[] getArguments() {
            return new String[] {"edge:node", typed};
        }

        @Override
        public int getBufferPosition() {
            return getBuffer().length();
        }

        @Override
        public String getBuffer() {
            return "edge:node " + typed;
        }
    }

    @Test
    void completesRegisteredNames() {
        NodeNameCompleter c = new NodeNameCompleter();
        c.registry = new Fakes.Registry(
                Fakes.node("pi", NodeStatus.Ready, Duration.ZERO, Map.of()),
                Fakes.node("edge-2", NodeStatus.Ready, Duration.ZERO, Map.of()),
                Fakes.node("edge-1", NodeStatus.Ready, Duration.ZERO, Map.of()));
        assertEquals(List.of("edge-1", "edge-2", "pi"), c.names());
        List<String> candidates = new ArrayList<>();
        c.complete(null, new Line("ed"), candidates);
        assertEquals(List.of("edge-1", "edge-2"), candidates.stream().map(String::strip).sorted().toList());
    }

    @Test
    void completesNothingWithoutARegistry() {
        NodeNameCompleter c = new NodeNameCompleter();
        assertEquals(List.of(), c.names());
        List<String> candidates = new ArrayList<>();
        c.complete(null, new Line(""), candidates);
        assertEquals(List.of(), candidates);
    }
}
