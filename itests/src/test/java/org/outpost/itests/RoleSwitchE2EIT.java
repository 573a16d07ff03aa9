package org.outpost.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.itests.OutpostProcesses.await;
import static org.outpost.itests.OutpostProcesses.awaitValue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.itests.OutpostProcesses.Node;
import org.outpost.itests.OutpostProcesses.Result;

/**
 * {@code edge:role server} on an agent, in its own process: a port that is taken fails the switch
 * within seconds with the reason, and the node stays the agent it was, connected as before, in the
 * same process; with a free port chosen with {@code --https-port} the switch goes through.
 */
class RoleSwitchE2EIT {
    @TempDir
    Path work;

    @Test
    void switchThatCannotListenIsRolledBackAndAChosenPortWorks() throws Exception {
        try (OutpostProcesses outpost = new OutpostProcesses(work);
                ServerSocket taken = new ServerSocket()) {
            int serverPort = OutpostProcesses.freePort();
            Node server = outpost.server("srv", serverPort);
            outpost.awaitConsole(server);
            Node agent = outpost.agent("gw-1", serverPort, "--token-file", server.dataDir().resolve("server/node-token").toString());
            awaitValue("gw-1 Ready", Duration.ofSeconds(90), outpost.statusOf(server, "gw-1"), "Ready"::equals);
            outpost.awaitConsole(agent);

            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), OutpostProcesses.freePort()));
            long started = System.nanoTime();
            Result refused = outpost.shell(agent, "edge:role", "server", "--https-port", String.valueOf(taken.getLocalPort()));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertNotEquals(0, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": address in use; choose one with --https-port"), refused.output());
            assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "refused within 15 s, took " + took);

            Result role = outpost.shell(agent, "edge:role");
            assertEquals(0, role.exitCode(), role.output());
            assertTrue(role.output().contains("role: agent (same process, pid " + agent.pid() + ")"), role.output());
            assertTrue(agent.process().isAlive(), "same process");
            assertTrue(outpost.shellJson(agent, "edge:status", "-o", "json").path("agent").path("connected").asBoolean(),
                    "still connected to its server");
            assertEquals("Ready", outpost.status(server, "gw-1"));
            Path serverCfg = agent.dataDir().resolve("etc/org.outpost.server.cfg");
            String kept = Files.exists(serverCfg) ? Files.readString(serverCfg, StandardCharsets.UTF_8) : "";
            assertTrue(!kept.contains(String.valueOf(taken.getLocalPort())), "the refused port is not kept: " + kept);

            int chosen = OutpostProcesses.freePort();
            Result switched = outpost.shell(agent, "edge:role", "server", "--https-port", String.valueOf(chosen));
            assertEquals(0, switched.exitCode(), switched.output());
            assertTrue(switched.output().contains("role: server (same process, pid " + agent.pid() + ")"), switched.output());
            await("etc/org.outpost.server.cfg names the chosen port", Duration.ofSeconds(30), () -> {
                try {
                    return Files.readString(agent.dataDir().resolve("etc/org.outpost.server.cfg"), StandardCharsets.UTF_8)
                            .matches("(?s).*httpsPort\\s*=\\s*\"?" + chosen + "\"?\\s.*");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            awaitValue("gw-1 Ready on its own server", Duration.ofSeconds(90), outpost.statusOf(agent, "gw-1"), "Ready"::equals);
            assertEquals("https://127.0.0.1:" + chosen,
                    outpost.shellJson(agent, "edge:status", "-o", "json").path("server").asText());
        }
    }
}
