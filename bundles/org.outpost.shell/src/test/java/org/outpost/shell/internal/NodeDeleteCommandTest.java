package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.outpost.api.NodeStatus;

class NodeDeleteCommandTest {

    @Test
    void deletesOrSaysNotFound() throws Exception {
        Fakes.Registry registry = new Fakes.Registry(
                Fakes.node("edge-1", NodeStatus.Ready, Duration.ofMinutes(5), Map.of()));
        NodeDeleteCommand c = new NodeDeleteCommand();
        c.registry = registry;
        c.name = "edge-1";
        assertEquals("node/edge-1 deleted\n", Fakes.capture(c).run());
        assertFalse(registry.nodes.containsKey("edge-1"));
        assertEquals("node edge-1 not found", assertThrows(CommandException.class, c::execute).getMessage());
    }
}
