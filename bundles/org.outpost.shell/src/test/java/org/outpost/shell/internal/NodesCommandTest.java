package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.outpost.api.NodeStatus;

class NodesCommandTest {

    private final Fakes.Registry registry = new Fakes.Registry(
            Fakes.node("edge-2", NodeStatus.NotReady, Duration.ofHours(3), Map.of("zone", "south"), "agent"),
            Fakes.node("edge-1", NodeStatus.Ready, Duration.ofDays(2), Map.of("zone", "north", "gpu", "true"),
                    "server", "agent"),
            Fakes.node("pi", NodeStatus.Ready, Duration.ofSeconds(40), Map.of(), "agent"));

    private Fakes.Captured<NodesCommand> command() {
        NodesCommand c = new NodesCommand();
        c.registry = registry;
        return Fakes.capture(c);
    }

    @Test
    void printsATableSortedByName() throws Exception {
        assertEquals(String.join("\n",
                "NAME    STATUS    ROLES         AGE  VERSION  ADDRESS   LABELS",
                "edge-1  Ready     server,agent  2d   0.1.0    10.0.0.7  gpu=true,zone=north",
                "edge-2  NotReady  agent         3h   0.1.0    10.0.0.7  zone=south",
                "pi      Ready     agent         40s  0.1.0    10.0.0.3  <none>",
                ""), command().run());
    }

    @Test
    void filtersBySelector() throws Exception {
        var c = command();
        c.action().selector = "zone";
        String out = c.run();
        assertTrue(out.contains("edge-1") && out.contains("edge-2") && !out.contains("pi "), out);

        c = command();
        c.action().selector = "zone!=north,!gpu"; // like kubectl, != also matches nodes without the label
        assertEquals(List.of("edge-2", "pi"), c.run().lines().skip(1).map(l -> l.split(" ")[0]).toList());

        c = command();
        c.action().selector = "zone=east";
        assertEquals("No nodes match zone=east.\n", c.run());
    }

    @Test
    void printsJsonItems() throws Exception {
        var c = command();
        c.action().output = "json";
        c.action().selector = "zone=north";
        JsonNode root = Json.MAPPER.readTree(c.run());
        assertEquals(1, root.get("items").size());
        JsonNode item = root.get("items").get(0);
        JsonTest.assertNodeShape(item);
        assertEquals("edge-1", item.get("name").asText());
        assertEquals(Instant.parse("2025-05-30T12:00:00Z"), Instant.parse(item.get("created").asText()));
    }

    @Test
    void emptyJsonIsAnEmptyItemsArray() throws Exception {
        registry.nodes.clear();
        var c = command();
        c.action().output = "json";
        assertEquals(0, Json.MAPPER.readTree(c.run()).get("items").size());
        assertEquals("No nodes found.\n", command().run());
    }

    @Test
    void onAnAgentSaysWhereNodeCommandsRun() {
        NodesCommand c = new NodesCommand();
        c.roleManager = new Fakes.Roles("agent");
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertEquals("this node is an agent; node commands run on the server (edge:role server, or ./outpost shell"
                + " --data-dir <server dir>)", e.getMessage());
    }

    @Test
    void roleFallsBackToTheLocalNode() {
        NodesCommand c = new NodesCommand();
        c.localNode = new Fakes.Local("pi", "agent", Fakes.NOW);
        assertTrue(assertThrows(CommandException.class, c::execute).getMessage().startsWith("this node is an agent;"));
        c.localNode = new Fakes.Local("pi", "server", Fakes.NOW);
        assertTrue(assertThrows(CommandException.class, c::execute).getMessage().startsWith("the server is not ready"));
        c.localNode = null;
        assertTrue(assertThrows(CommandException.class, c::execute).getMessage().startsWith("no server runs"));
    }

    @Test
    void refusesUnknownOutputAndBadSelectorsBeforeAskingTheRegistry() {
        var c = command();
        c.action().output = "yaml";
        assertEquals("unsupported output format \"yaml\"; use -o json",
                assertThrows(CommandException.class, c.action()::execute).getMessage());
        c = command();
        c.action().selector = "-bad";
        assertTrue(assertThrows(CommandException.class, c.action()::execute).getMessage()
                .startsWith("invalid selector \"-bad\""));
        assertEquals(List.of(), registry.calls);
    }
}
