package org.outpost.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restart without an option keeps what the node was started as; giving the option changes it. */
class RecordedOptionsTest {
    private static final String TOKEN = "K10" + "ab".repeat(32) + "::server:s3cret-s3cret";
    @TempDir
    Path tmp;
    private Path home;
    private Path data;
    private Main main;

    @BeforeEach
    void distribution() throws Exception {
        home = tmp.resolve("home");
        for (String dir : List.of("etc", "lib/boot", "lib/jdk9plus", "lib/endorsed")) {
            Files.createDirectories(home.resolve(dir));
        }
        Files.writeString(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort = 8101\n");
        data = tmp.resolve("node");
        main = new Main(home, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private String node(String key) throws Exception {
        return CfgFile.get(data.resolve("etc/org.outpost.node.cfg"), key);
    }

    private String agentCfg(String key) throws Exception {
        return CfgFile.get(data.resolve("etc/org.outpost.agent.cfg"), key);
    }

    private void agent(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("agent", "--data-dir", data.toString()));
        args.addAll(List.of(options));
        assertEquals(0, main.run(args));
    }

    private void server(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("server", "--data-dir", data.toString()));
        args.addAll(List.of(options));
        assertEquals(0, main.run(args));
    }

    @Test
    void anAgentRestartedWithoutOptionsKeepsItsLabelsNameServerAndRuntime() throws Exception {
        agent("--server", "https://127.0.0.1:7443", "--token", TOKEN, "--node-name", "gw-1", "--labels", "a=1,b=2",
                "--runtime", "docker", "--rest-port", "off");
        Files.writeString(data.resolve("agent/node.crt"), "identity\n"); // joined

        agent();
        assertEquals("a=1,b=2", node("labels"), "a restart without --labels keeps them");
        assertEquals("gw-1", node("nodeName"));
        assertEquals("docker", node("runtimes"));
        assertEquals("https://127.0.0.1:7443", agentCfg("serverUrl"));
        assertEquals(data.resolve("agent/join-token").toString(), agentCfg("tokenFile"));
        assertEquals("false", CfgFile.get(data.resolve("etc/org.outpost.kura.rest.cfg"), "enabled"), "off stays off");

        agent("--labels", "zone=boiler");
        assertEquals("zone=boiler", node("labels"), "given again, the option changes it");
        agent("--labels", "");
        assertEquals("", node("labels"), "an explicit empty --labels removes them");
        agent();
        assertEquals("", node("labels"));
        assertEquals("gw-1", node("nodeName"));
    }

    @Test
    void theFirstJoinKeepsItsTokenAcrossARestartBeforeItSucceeded() throws Exception {
        agent("--server", "https://127.0.0.1:7443", "--token", TOKEN, "--node-name", "gw-1");
        agent(); // no identity yet: the recorded token file is used again
        assertEquals(data.resolve("agent/join-token").toString(), agentCfg("tokenFile"));
    }

    @Test
    void exitOnJoinRefusalIsWrittenAtEveryAgentStartAndRetryJoinTurnsItOff() throws Exception {
        agent("--server", "https://127.0.0.1:7443", "--token", TOKEN, "--node-name", "gw-1", "--retry-join");
        assertEquals("false", agentCfg("exitOnJoinRefusal"));
        agent();
        assertEquals("true", agentCfg("exitOnJoinRefusal"), "not a recorded option: each start says it again");
    }

    @Test
    void aServerKeepsItsPortsTimeoutsAndLimitsAndDefaultsApplyOnlyAtTheFirstStart() throws Exception {
        int port = LoopbackPorts.pickFree();
        server("--node-name", "srv", "--https-port", String.valueOf(LoopbackPorts.pickFree()));
        Path serverCfg = data.resolve("etc/org.outpost.server.cfg");
        Path schedulerCfg = data.resolve("etc/org.outpost.scheduler.cfg");
        assertEquals("10", CfgFile.get(serverCfg, "nodeTimeoutSeconds"), "the default at the first start");
        assertEquals("127.0.0.1", CfgFile.get(serverCfg, "bindAddress"));
        assertNull(CfgFile.get(schedulerCfg, "maxInstancesPerNode"), "not written unless given: the scheduler's default applies");

        server("--https-port", String.valueOf(port), "--node-timeout", "7", "--eviction-timeout", "45",
                "--max-instances-per-node", "20", "--labels", "site=a");
        server();
        assertEquals(String.valueOf(port), CfgFile.get(serverCfg, "httpsPort"));
        assertEquals("127.0.0.1", CfgFile.get(serverCfg, "bindAddress"));
        assertEquals("7", CfgFile.get(serverCfg, "nodeTimeoutSeconds"));
        assertEquals("45", CfgFile.get(schedulerCfg, "evictionTimeoutSeconds"));
        assertEquals("20", CfgFile.get(schedulerCfg, "maxInstancesPerNode"));
        assertEquals("site=a", node("labels"));
        assertEquals("srv", node("nodeName"));

        assertEquals("--max-instances-per-node must be a whole number from 1 to 999999, got '0'",
                assertThrows(UsageException.class, () -> server("--max-instances-per-node", "0")).getMessage());
    }

    @Test
    void anAgentStartedOnAFormerServerNeedsItsServerGiven() throws Exception {
        server("--node-name", "srv", "--https-port", String.valueOf(LoopbackPorts.pickFree()));
        Files.writeString(data.resolve("etc/org.outpost.agent.cfg"), "serverUrl = https://127.0.0.1:6443\n");
        assertEquals("agent needs --server https://HOST:PORT", assertThrows(UsageException.class, this::agent).getMessage());
    }

    @Test
    void valuesWrittenBackByConfigAdminAreReadAsTheirText() throws Exception {
        Path cfg = tmp.resolve("typed.cfg");
        Files.writeString(cfg, "httpsPort = I\"7443\"\nserverUrl = https\\://127.0.0.1\\:7443\nlabels = \"a=1\"\n");
        assertEquals("7443", CfgFile.get(cfg, "httpsPort"));
        assertEquals("https://127.0.0.1:7443", CfgFile.get(cfg, "serverUrl"));
        assertEquals("a=1", CfgFile.get(cfg, "labels"));
    }

    @Test
    void recordedOptionsResolveGivenThenRecordedThenDefault() throws Exception {
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(etc.resolve("org.outpost.node.cfg"), "labels = a=1\n");
        RecordedOptions none = new RecordedOptions(Arguments.parse(List.of(), Set.of("labels", "runtime"), Set.of(), false), etc);
        assertEquals("a=1", none.value("labels", ""));
        assertEquals("", none.value("runtime", ""));
        RecordedOptions given = new RecordedOptions(Arguments.parse(List.of("--labels="), Set.of("labels"), Set.of(), false), etc);
        assertEquals("", given.value("labels", "x"));
        assertTrue(RecordedOptions.PLACES.keySet().containsAll(Set.of("labels", "runtime", "node-name", "server", "token-file",
                "bind", "https-port", "node-timeout", "eviction-timeout", "max-instances-per-node")));
    }
}
