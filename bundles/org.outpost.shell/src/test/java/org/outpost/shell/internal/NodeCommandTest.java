package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeStatus;
import org.outpost.api.NodeUsage;

class NodeCommandTest {

    private final Fakes.Registry registry = new Fakes.Registry(
            Fakes.node("edge-1", NodeStatus.Ready, Duration.ofMinutes(5), Map.of("zone", "north"), "agent"),
            new NodeInfo("blank", NodeStatus.NotReady, List.of(), Map.of(), null, null, null, null,
                    NodeUsage.UNKNOWN, null, false, List.of()));

    private Fakes.Captured<NodeCommand> command(String name) {
        NodeCommand c = new NodeCommand();
        c.registry = registry;
        c.name = name;
        return Fakes.capture(c);
    }

    @Test
    void describesOneNodeAsKeyValueLines() throws Exception {
        assertEquals(String.join("\n",
                "name: edge-1",
                "status: Ready",
                "roles: agent",
                "labels: zone=north",
                "address: 10.0.0.7",
                "version: 0.1.0",
                "created: 2025-06-01T11:55:00Z (5m ago)",
                "lastHeartbeat: 2025-06-01T11:59:55Z (5s ago)",
                "cpus: 4",
                "cpuLoad: 25.0%",
                "memory: 2.0Gi used of 8.0Gi",
                "disk: 40.0Gi free of 100.0Gi",
                "uptime: 1h",
                ""), command("edge-1").run());
    }

    @Test
    void describesANodeWithoutData() throws Exception {
        assertEquals(String.join("\n",
                "name: blank", "status: NotReady", "roles: <none>", "labels: <none>", "address: <none>",
                "version: <none>", "created: <unknown>", "lastHeartbeat: <unknown>", "usage: <unknown>", ""),
                command("blank").run());
    }

    @Test
    void printsJson() throws Exception {
        var c = command("edge-1");
        c.action().output = "json";
        JsonNode n = Json.MAPPER.readTree(c.run());
        JsonTest.assertNodeShape(n);
        assertEquals("edge-1", n.get("name").asText());
    }

    @Test
    void unknownNode() {
        assertEquals("node nope not found",
                assertThrows(CommandException.class, command("nope").action()::execute).getMessage());
    }
}
