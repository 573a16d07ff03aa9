package org.outpost.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.itests.OutpostProcesses.await;
import static org.outpost.itests.OutpostProcesses.awaitValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.itests.OutpostProcesses.Node;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A server and three agents as separate processes on loopback, driven through ./outpost like a
 * user would. The steps build on each other (one cluster per class), so they run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2EIT {
    private static final int NODE_TIMEOUT_SECONDS = 5;

    @TempDir
    static Path work;
    private OutpostProcesses outpost;
    private int port;
    private Node server;
    private final Node[] agents = new Node[3];
    private Path tokenFile;

    /** A failed step quotes the end of every node's Karaf log: the work folder is gone afterwards. */
    @RegisterExtension
    final TestWatcher logsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (String name : List.of("srv", "gw-1", "gw-2", "gw-3")) {
                Path log = outpost.dir(name).resolve("data/log/karaf.log");
                try {
                    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                    System.out.println("--- " + context.getDisplayName() + " failed; last lines of " + log + " ---");
                    lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.out::println);
                } catch (IOException | RuntimeException e) {
                    System.out.println("cannot read " + log + ": " + e);
                }
            }
        }
    };

    @BeforeAll
    void startCluster() throws Exception {
        outpost = new OutpostProcesses(work);
        port = OutpostProcesses.freePort();
        server = outpost.server("srv", port, "--node-timeout", String.valueOf(NODE_TIMEOUT_SECONDS));
        tokenFile = outpost.dir("srv").resolve("server/node-token");
        await("node token file", Duration.ofSeconds(90), () -> Files.isRegularFile(tokenFile));
        for (int i = 0; i < agents.length; i++) {
            agents[i] = outpost.agent("gw-" + (i + 1), port, "--token-file", tokenFile.toString(),
                    "--labels", "site=plant-a,zone=z" + (i + 1));
        }
    }

    @AfterAll
    void stopCluster() {
        outpost.close();
    }

    @Test
    @Order(1)
    void serverAndThreeAgentsBecomeReady() throws Exception {
        outpost.awaitConsole(server);
        for (String name : List.of("srv", "gw-1", "gw-2", "gw-3")) {
            awaitValue(name + " Ready", Duration.ofSeconds(90), outpost.statusOf(server, name), "Ready"::equals);
        }
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        assertTrue(token.matches("K10[0-9a-f]{64}::server:[a-z0-9]+"), token);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(tokenFile));
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(outpost.dir("srv").resolve("server/admin-token")));

        JsonNode srv = node("srv");
        assertEquals(List.of("server", "agent"), List.of(srv.path("roles").get(0).asText(), srv.path("roles").get(1).asText()));
        JsonNode gw1 = node("gw-1");
        assertEquals("plant-a", gw1.path("labels").path("site").asText());
        assertEquals("z1", gw1.path("labels").path("zone").asText());
        assertEquals("0.1.0", gw1.path("version").asText());
        assertEquals("127.0.0.1", gw1.path("address").asText());
        assertTrue(gw1.path("usage").path("memoryTotal").asLong() > 0, "heartbeats carry memory figures");

        String table = outpost.shell(server, "edge:nodes").output();
        assertTrue(table.lines().findFirst().orElse("").matches("NAME\\s+STATUS\\s+ROLES\\s+AGE\\s+VERSION\\s+ADDRESS\\s+LABELS\\s*"), table);
        assertTrue(server.output().contains("listening on https://127.0.0.1:" + port), server.output());
        assertTrue(server.output().contains(tokenFile.toString()), "the server says where the node token is");
        assertTrue(agents[0].output().contains("joined"), agents[0].output());
    }

    @Test
    @Order(2)
    void killedAgentGoesNotReadyThenReturnsWithoutToken() throws Exception {
        Node gw2 = agents[1];
        String created = node("gw-2").path("created").asText();
        gw2.kill9();
        Duration notReadyAfter = awaitValue("gw-2 NotReady", Duration.ofSeconds(NODE_TIMEOUT_SECONDS + 10),
                outpost.statusOf(server, "gw-2"), "NotReady"::equals);
        assertTrue(notReadyAfter.toSeconds() <= NODE_TIMEOUT_SECONDS + 5, "NotReady after " + notReadyAfter);

        // No token this time: the node uses the identity it saved at its first join.
        agents[1] = outpost.agent("gw-2", port);
        awaitValue("gw-2 Ready again", Duration.ofSeconds(90), outpost.statusOf(server, "gw-2"), "Ready"::equals);
        assertEquals(created, node("gw-2").path("created").asText(), "same node, not a new registration");
        assertTrue(Files.isRegularFile(outpost.dir("gw-2").resolve("agent/node.crt")));
    }

    @Test
    @Order(3)
    void serverKilledAndRestartedKeepsNodesLabelsAndTokens() throws Exception {
        assertEquals(0, outpost.shell(server, "edge:label", "gw-1", "tier=gold").exitCode());
        String scoped = outpost.shell(server, "edge:token", "create", "--ttl", "1h", "--description", "e2e")
                .output().trim();
        assertTrue(scoped.matches("K10[0-9a-f]{64}::[a-z0-9]+\\.[a-z0-9]+"), scoped);
        String nodeToken = Files.readString(tokenFile, StandardCharsets.UTF_8);

        server.kill9();
        server = outpost.server("srv", port, "--node-timeout", String.valueOf(NODE_TIMEOUT_SECONDS));
        outpost.awaitConsole(server);
        for (String name : List.of("srv", "gw-1", "gw-2", "gw-3")) {
            awaitValue(name + " Ready after server restart", Duration.ofSeconds(60), outpost.statusOf(server, name),
                    "Ready"::equals);
        }
        assertEquals("gold", node("gw-1").path("labels").path("tier").asText(), "label written before kill -9");
        assertEquals(nodeToken, Files.readString(tokenFile, StandardCharsets.UTF_8), "node token unchanged");
        JsonNode tokens = outpost.shellJson(server, "edge:token", "list", "-o", "json");
        JsonNode items = tokens.isArray() ? tokens : tokens.path("items");
        boolean found = false;
        for (JsonNode token : items) {
            found |= token.path("description").asText().equals("e2e");
            assertTrue(token.path("token").isMissingNode() || token.path("token").isNull(), "no secrets in lists");
        }
        assertTrue(found, "scoped token survived: " + tokens);
    }

    @Test
    @Order(4)
    void roleSwitchKeepsTheProcessAndTheNodeName() throws Exception {
        Node gw3 = agents[2];
        long pid = gw3.pid();
        int gw3Port = OutpostProcesses.freePort();
        Path serverCfg = outpost.dir("gw-3").resolve("etc/org.outpost.server.cfg");
        Files.writeString(serverCfg, "bindAddress = 127.0.0.1\nhttpsPort = " + gw3Port + "\n");
        OutpostProcesses.Result switched = outpost.shell(gw3, "edge:role", "server");
        assertEquals(0, switched.exitCode(), switched.output());
        assertTrue(switched.output().contains("pid " + pid), switched.output());
        awaitValue("gw-3 Ready in its own cluster", Duration.ofSeconds(60), outpost.statusOf(gw3, "gw-3"), "Ready"::equals);
        JsonNode status = outpost.shellJson(gw3, "edge:status", "-o", "json");
        assertEquals("server", status.path("role").asText());
        assertTrue(gw3.process().isAlive());
        assertEquals(pid, gw3.pid());
        assertTrue(Files.isRegularFile(outpost.dir("gw-3").resolve("server/node-token")));

        // the server's port changed afterwards (FileInstall reads etc/): its own agent follows it
        int movedPort = OutpostProcesses.freePort();
        Files.writeString(serverCfg, "bindAddress = 127.0.0.1\nhttpsPort = " + movedPort + "\n");
        String moved = "https://127.0.0.1:" + movedPort;
        awaitValue("gw-3's server and its local agent on port " + movedPort, Duration.ofSeconds(60), () -> {
            try {
                JsonNode now = outpost.shellJson(gw3, "edge:status", "-o", "json");
                return now.path("server").asText() + " <- " + now.path("agent").path("server").asText() + " connected "
                        + now.path("agent").path("connected").asBoolean();
            } catch (Exception | AssertionError e) {
                return "unreachable: " + e.getMessage();
            }
        }, (moved + " <- " + moved + " connected true")::equals);
        awaitValue("gw-3 Ready in its own cluster after the port moved", Duration.ofSeconds(60), outpost.statusOf(gw3, "gw-3"),
                "Ready"::equals);

        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        OutpostProcesses.Result back = outpost.shell(gw3, "edge:role", "agent", "--server", "https://127.0.0.1:" + port,
                "--token", token);
        assertEquals(0, back.exitCode(), back.output());
        awaitValue("gw-3 Ready again in the first cluster", Duration.ofSeconds(60), outpost.statusOf(server, "gw-3"),
                "Ready"::equals);
        assertEquals("agent", outpost.shellJson(gw3, "edge:status", "-o", "json").path("role").asText());
        assertEquals(pid, gw3.pid(), "same JVM throughout");
        assertTrue(gw3.process().isAlive());
        assertEquals("z3", node("gw-3").path("labels").path("zone").asText());
    }

    @Test
    @Order(5)
    void consoleIsKeyOnlyAndLoopbackOnly() throws Exception {
        Path etc = outpost.dir("srv").resolve("etc");
        String shellCfg = Files.readString(etc.resolve("org.apache.karaf.shell.cfg"));
        int sshPort = Integer.parseInt(shellCfg.lines().filter(l -> l.startsWith("sshPort"))
                .findFirst().orElseThrow().split("=")[1].trim());
        // Password login with Karaf's well-known credentials must fail.
        Path client = outpost.repo.resolve("karaf-distribution/target/assembly/bin/client");
        Process login = new ProcessBuilder("bash", client.toString(), "-a", String.valueOf(sshPort), "-h", "127.0.0.1",
                "-u", "karaf", "-p", "karaf", "-r", "1", "-b").redirectErrorStream(true).start();
        login.getOutputStream().write("bundle:list\n".getBytes(StandardCharsets.UTF_8));
        login.getOutputStream().close();
        String loginOutput = new String(login.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        login.waitFor();
        assertNotEquals(0, login.exitValue(), loginOutput);
        assertTrue(!loginOutput.contains("Active"), "no bundle list without the key: " + loginOutput);
        // The console listens on loopback only.
        String hexPort = String.format("%04X", sshPort);
        List<String> listeners = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Files.readAllLines(Path.of(table)).stream()
                    .map(l -> l.trim().split("\\s+"))
                    .filter(f -> f.length > 3 && f[1].endsWith(":" + hexPort) && f[3].equals("0A"))
                    .forEach(f -> listeners.add(f[1]));
        }
        assertEquals(1, listeners.size(), listeners.toString());
        String local = listeners.get(0);
        assertTrue(local.equals("0100007F:" + hexPort) || local.equals("0000000000000000FFFF00000100007F:" + hexPort)
                || local.equals("00000000000000000000000001000000:" + hexPort), "console bound to loopback only: " + local);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(etc.resolve("console.key")));
        assertTrue(!Files.readString(etc.resolve("users.properties")).lines()
                .anyMatch(l -> !l.startsWith("#") && l.contains("=") && !l.startsWith("_g_")), "no password users");
    }

    @Test
    @Order(6)
    void shellReportsErrorsWithAStatus() throws Exception {
        OutpostProcesses.Result missing = outpost.shell(server, "edge:node", "no-such-node");
        assertNotEquals(0, missing.exitCode());
        assertTrue(missing.output().contains("not found"), missing.output());
        OutpostProcesses.Result onAgent = outpost.shell(agents[0], "edge:nodes");
        assertNotEquals(0, onAgent.exitCode());
        assertTrue(onAgent.output().contains("agent"), onAgent.output());
        String created = node("gw-1").path("created").asText();
        OutpostProcesses.Result deleted = outpost.shell(server, "edge:node-delete", "gw-1");
        assertEquals(0, deleted.exitCode(), deleted.output());
        assertTrue(deleted.output().contains("node/gw-1 deleted"), deleted.output());
        // The agent's old identity is refused; it still has the node token, so it joins again as a new registration.
        await("gw-1 told it was removed", Duration.ofSeconds(30), () -> agents[0].output().contains("deleted"));
        awaitValue("gw-1 registered anew", Duration.ofSeconds(60), () -> {
            try {
                return node("gw-1").path("created").asText();
            } catch (Exception | AssertionError e) {
                return "absent";
            }
        }, c -> !c.equals("absent") && !c.equals(created));
        awaitValue("gw-1 Ready", Duration.ofSeconds(30), outpost.statusOf(server, "gw-1"), "Ready"::equals);
    }

    private JsonNode node(String name) throws Exception {
        for (JsonNode node : outpost.nodes(server)) {
            if (node.path("name").asText().equals(name)) {
                return node;
            }
        }
        throw new AssertionError("no node " + name);
    }

}
