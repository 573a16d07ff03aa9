package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.outpost.api.ErrorCode;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeStatus;
import org.outpost.api.OutpostException;

class LabelCommandTest {

    private final Fakes.Registry registry = new Fakes.Registry(
            Fakes.node("edge-1", NodeStatus.Ready, Duration.ofMinutes(5), Map.of("zone", "north", "old", "x")));

    private Fakes.Captured<LabelCommand> command(String name, String... labels) {
        LabelCommand c = new LabelCommand();
        c.registry = registry;
        c.name = name;
        c.labels = List.of(labels);
        return Fakes.capture(c);
    }

    @Test
    void setsAndRemovesLabels() throws Exception {
        assertEquals("node/edge-1 labeled\n", command("edge-1", "zone=south", "gpu=true", "old-").run());
        assertEquals(Map.of("zone", "south", "gpu", "true"), registry.lastSet);
        assertEquals(Set.of("old"), registry.lastRemove);
        assertEquals(Map.of("zone", "south", "gpu", "true"), registry.nodes.get("edge-1").labels());
    }

    @Test
    void unknownNode() {
        CommandException e = assertThrows(CommandException.class, command("nope", "a=b").action()::execute);
        assertEquals("node nope not found", e.getMessage());
    }

    @Test
    void invalidArgumentsNeverReachTheRegistry() {
        CommandException e = assertThrows(CommandException.class, command("edge-1", "ok=1", "bad key=v").action()::execute);
        assertTrue(e.getMessage().startsWith("invalid label key \"bad key\""), e.getMessage());
        e = assertThrows(CommandException.class, command("edge-1", "zone").action()::execute);
        assertEquals("invalid label argument \"zone\": use key=value to set a label or key- to remove it",
                e.getMessage());
        assertEquals(List.of(), registry.calls);
    }

    @Test
    void otherServerErrorsAreShownAsIs() {
        LabelCommand c = new LabelCommand();
        c.name = "edge-1";
        c.labels = List.of("a=b");
        c.registry = new Fakes.Registry() {
            @Override
            public NodeInfo label(String name, Map<String, String> set, Set<String> remove) {
                throw new OutpostException(ErrorCode.CONFLICT, "node edge-1 changed meanwhile; try again");
            }
        };
        assertEquals("node edge-1 changed meanwhile; try again",
                assertThrows(CommandException.class, c::execute).getMessage());
    }

    @Test
    void onAnAgent() {
        LabelCommand c = new LabelCommand();
        c.roleManager = new Fakes.Roles("agent");
        c.name = "edge-1";
        c.labels = List.of("a=b");
        assertTrue(assertThrows(CommandException.class, c::execute).getMessage()
                .startsWith("this node is an agent; node commands run on the server"));
    }
}
