package org.outpost.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.itests.OutpostProcesses.awaitValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.itests.OutpostProcesses.Node;
import org.outpost.itests.OutpostProcesses.Result;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Workloads on a real cluster: a server and three agents as processes, with a real Docker Engine
 * (private dockerd, no network for containers, the image made locally). Steps build on each other
 * and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkloadsE2EIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int NODE_TIMEOUT_SECONDS = 3;
    private static final int EVICTION_SECONDS = 8;

    @TempDir
    static Path work;
    private OutpostProcesses outpost;
    private DockerEngine docker;
    private int port;
    private Node server;
    private final Node[] agents = new Node[3];
    private Path tokenFile;

    @BeforeAll
    void startCluster() throws Exception {
        outpost = new OutpostProcesses(work);
        docker = DockerEngine.start(outpost.repo);
        outpost.environment.put("DOCKER_HOST", docker.host);
        port = OutpostProcesses.freePort();
        server = outpost.server("srv", port, "--node-timeout", String.valueOf(NODE_TIMEOUT_SECONDS),
                "--eviction-timeout", String.valueOf(EVICTION_SECONDS));
        tokenFile = outpost.dir("srv").resolve("server/node-token");
        OutpostProcesses.await("node token file", WAIT, () -> Files.isRegularFile(tokenFile));
        for (int i = 0; i < agents.length; i++) {
            agents[i] = startAgent(i);
        }
        outpost.awaitConsole(server);
        for (String name : List.of("srv", "gw-1", "gw-2", "gw-3")) {
            awaitValue(name + " Ready", WAIT, outpost.statusOf(server, name), "Ready"::equals);
        }
    }

    /** gw-1 and gw-2 carry sensors (for the DaemonSet); every gw-N is an edge node (the Deployments' selector). */
    private Node startAgent(int i) throws IOException {
        String labels = "edge=yes" + (i < 2 ? ",sensors=yes" : "");
        return outpost.agent("gw-" + (i + 1), port, "--token-file", tokenFile.toString(), "--labels", labels,
                "--runtime", "docker");
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (outpost != null) {
            outpost.close();
        }
        if (docker != null) {
            docker.close();
        }
    }

    private Result shell(String... command) throws IOException, InterruptedException {
        return outpost.shell(server, command);
    }

    private String ok(String... command) throws IOException, InterruptedException {
        Result result = shell(command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ": " + result.output());
        return result.output();
    }

    private Path manifest(String name, String text) throws IOException {
        return Files.writeString(work.resolve(name), text);
    }

    private static String deployment(String name, int replicas, String image, String script) {
        return String.join("\n",
                "apiVersion: apps/v1",
                "kind: Deployment",
                "metadata: {name: " + name + "}",
                "spec:",
                "  replicas: " + replicas,
                "  selector: {matchLabels: {app: " + name + "}}",
                "  template:",
                "    metadata: {labels: {app: " + name + "}}",
                "    spec:",
                "      nodeSelector: {edge: 'yes'}",
                "      containers:",
                "      - name: main",
                "        image: " + image,
                "        command: [sh, -c]",
                "        args: ['" + script + "']",
                "        env: [{name: GREETING, value: hello}]",
                "        resources: {requests: {cpu: 10m, memory: 8Mi}, limits: {cpu: 200m, memory: 32Mi}}",
                "");
    }

    /** The workload as {@code edge:workload NAME -o json} shows it. */
    private JsonNode workload(String name) throws IOException, InterruptedException {
        return outpost.shellJson(server, "edge:workload", name, "-o", "json");
    }

    private Supplier<JsonNode> workloadOf(String name) {
        return () -> {
            try {
                return workload(name);
            } catch (IOException | InterruptedException | AssertionError e) {
                return null;
            }
        };
    }

    private static Predicate<JsonNode> readyIs(int ready, int upToDate) {
        return w -> w != null && w.path("ready").asInt() == ready && w.path("upToDate").asInt() == upToDate
                && w.path("instances").size() == upToDate;
    }

    private static List<String> nodesOf(JsonNode workload) {
        List<String> nodes = new ArrayList<>();
        workload.path("instances").forEach(i -> nodes.add(i.path("assignment").path("node").asText()));
        return nodes.stream().sorted().toList();
    }

    @Test
    @Order(1)
    void deploymentOfThreeReplicasSpreadsOnePerNodeAndRunsInDocker() throws Exception {
        Path file = manifest("thermo.yaml", deployment("thermo", 3, "outpost/busybox:1",
                "echo $GREETING from thermo; while true; do echo tick; sleep 1; done"));

        assertEquals("deployment/thermo created (3 replicas)", ok("edge:deploy", "-f", file.toString()).trim());

        Duration took = awaitValue("thermo 3/3", WAIT, workloadOf("thermo"), readyIs(3, 3));
        System.out.println("deploy -> 3 instances Running: " + took.toMillis() + " ms");
        JsonNode thermo = workload("thermo");
        assertEquals(List.of("gw-1", "gw-2", "gw-3"), nodesOf(thermo));
        for (String node : List.of("gw-1", "gw-2", "gw-3")) {
            assertEquals(1, docker.containers("org.outpost.node=" + node).size(), "one container on " + node);
        }
        String listed = ok("edge:workloads");
        assertTrue(listed.lines().anyMatch(l -> l.matches("thermo\\s+Deployment\\s+3/3\\s+3\\s+gw-1,gw-2,gw-3\\s+.*")), listed);

        String name = docker.containers("org.outpost.node=gw-1").get(0);
        JsonNode inspect = OutpostProcesses.JSON.readTree(docker.docker("inspect", name).output()).get(0);
        assertEquals("none", inspect.path("HostConfig").path("NetworkMode").asText());
        assertEquals(32L << 20, inspect.path("HostConfig").path("Memory").asLong());
        assertEquals(200_000_000L, inspect.path("HostConfig").path("NanoCpus").asLong());
    }

    @Test
    @Order(2)
    void logsComeFromTheAgentThroughTheServer() throws Exception {
        String logs = awaitValueOf("thermo's log with ticks", () -> {
            Result r = shell("edge:logs", "thermo", "--node", "gw-2");
            return r.exitCode() == 0 && r.output().contains("tick") ? r.output() : null;
        });
        assertTrue(logs.startsWith("hello from thermo"), logs);
        Result all = shell("edge:logs", "thermo", "--tail", "1");
        assertEquals(0, all.exitCode(), all.output());
        assertEquals(3, all.output().lines().filter(l -> l.matches("\\[thermo-[a-z0-9]{5}@gw-[123]\\] .*")).count(), all.output());
    }

    @Test
    @Order(3)
    void daemonSetRunsOnEveryLabelledNode() throws Exception {
        Path file = manifest("collector.yaml", String.join("\n",
                "apiVersion: apps/v1",
                "kind: DaemonSet",
                "metadata: {name: collector}",
                "spec:",
                "  selector: {matchLabels: {app: collector}}",
                "  template:",
                "    metadata: {labels: {app: collector}}",
                "    spec:",
                "      nodeSelector: {sensors: 'yes'}",
                "      containers: [{name: c, image: outpost/busybox:1, command: [sleep, '100000']}]",
                ""));
        assertEquals("daemonset/collector created (every matching node)", ok("edge:deploy", "-f", file.toString()).trim());

        awaitValue("collector 2/2", WAIT, workloadOf("collector"), readyIs(2, 2));
        assertEquals(List.of("gw-1", "gw-2"), nodesOf(workload("collector")));
    }

    @Test
    @Order(4)
    void crashLoopingContainerIsRestartedWithBackoffAndReported() throws Exception {
        Path file = manifest("crashy.yaml", deployment("crashy", 1, "outpost/busybox:1", "echo boom; exit 3"));
        ok("edge:deploy", "-f", file.toString());

        JsonNode crashy = awaitValueOf("crashy reported crash-looping", () -> {
            JsonNode w = workloadOf("crashy").get();
            JsonNode status = w == null ? null : w.path("instances").path(0).path("status");
            return status != null && "Failed".equals(status.path("phase").asText()) && status.path("restarts").asInt() >= 2
                    && status.path("reason").asText().contains("exit code 3") ? w : null;
        });
        JsonNode status = crashy.path("instances").get(0).path("status");
        assertTrue(status.path("reason").asText().contains("exit code 3"), status.toString());
        assertEquals(3, status.path("exitCode").asInt(), status.toString());
        String shown = ok("edge:workload", "crashy");
        assertTrue(shown.contains("instances: 0 running of 1 wanted") && shown.contains("Failed")
                && shown.contains("CrashLoopBackOff"), shown);
        ok("edge:delete", "crashy");
        awaitValue("crashy's container removed", WAIT, () -> containersOf("crashy"), List::isEmpty);
    }

    @Test
    @Order(5)
    void rollingUpdateStopsOnABrokenImageAndRollbackRestores() throws Exception {
        List<String> before = containersOf("thermo");
        Path broken = manifest("thermo-broken.yaml", deployment("thermo", 3, "outpost/missing:1", "echo never"));
        assertEquals("deployment/thermo configured (3 replicas)", ok("edge:deploy", "-f", broken.toString()).trim());

        JsonNode stalled = awaitValueOf("the roll to stall", () -> {
            JsonNode w = workloadOf("thermo").get();
            return w != null && w.path("rollout").asText().startsWith("stalled") ? w : null;
        });
        assertTrue(stalled.path("rollout").asText().contains("outpost/missing:1"), stalled.path("rollout").asText());
        assertEquals(3, stalled.path("ready").asInt(), "the old instances keep running");
        assertTrue(containersOf("thermo").containsAll(before), "no old container was touched");

        assertTrue(ok("edge:rollback", "thermo").startsWith("deployment/thermo rolled back"));
        awaitValue("thermo back to 3/3 on the old spec", WAIT, workloadOf("thermo"),
                readyIs(3, 3).and(w -> "complete".equals(w.path("rollout").asText())));
        assertEquals(before, containersOf("thermo"), "the same containers: one step back, nothing restarted");

        Path changed = manifest("thermo-v2.yaml", deployment("thermo", 3, "outpost/busybox:1",
                "echo $GREETING from thermo v2; while true; do echo tick; sleep 1; done"));
        ok("edge:deploy", "-f", changed.toString());
        awaitValue("thermo rolled to v2", WAIT, workloadOf("thermo"),
                readyIs(3, 3).and(w -> "complete".equals(w.path("rollout").asText())));
        // replaced containers are stopped (up to the stop timeout) and removed after the roll completes
        awaitValue("thermo's old containers removed", WAIT, () -> containersOf("thermo"), c -> c.size() == 3);
        List<String> after = containersOf("thermo");
        assertTrue(after.stream().noneMatch(before::contains), "every instance was replaced: " + before + " -> " + after);
    }

    @Test
    @Order(6)
    void killedAgentsReplicasMoveAfterTheEvictionTimeoutAndSurplusGoesWhenItReturns() throws Exception {
        agents[2].kill9();
        long killed = System.nanoTime();
        JsonNode moved = awaitValueOf("thermo off gw-3", () -> {
            JsonNode w = workloadOf("thermo").get();
            return w != null && !nodesOf(w).contains("gw-3") && w.path("ready").asInt() == 3 ? w : null;
        });
        long seconds = (System.nanoTime() - killed) / 1_000_000_000L;
        assertTrue(seconds >= EVICTION_SECONDS, "moved after " + seconds + " s, before the eviction timeout");
        assertEquals(3, nodesOf(moved).size());
        assertEquals(List.of("gw-1", "gw-2"), nodesOf(workload("collector")), "DaemonSet instances are not moved");
        assertEquals(1, containersOf("thermo", "gw-3").size(), "the lost node's container still runs (docker keeps it)");

        agents[2] = startAgent(2);
        awaitValue("gw-3 Ready again", WAIT, outpost.statusOf(server, "gw-3"), "Ready"::equals);
        awaitValue("gw-3's surplus instance removed", WAIT, () -> containersOf("thermo", "gw-3"), List::isEmpty);
        assertEquals(3, workload("thermo").path("ready").asInt());
    }

    @Test
    @Order(7)
    void withTheServerDownAKilledAgentBringsItsContainersBackFromLocalState() throws Exception {
        List<String> onGw1 = containersOf("thermo", "gw-1");
        assertTrue(!onGw1.isEmpty());
        server.kill9();
        agents[0].kill9();
        docker.docker("rm", "-f", onGw1.get(0)); // as if the machine had rebooted and lost it
        assertTrue(containersOf("thermo", "gw-1").size() < onGw1.size());

        agents[0] = startAgent(0);
        awaitValue("gw-1's thermo container back without the server", WAIT, () -> containersOf("thermo", "gw-1"),
                c -> c.size() == onGw1.size());
        OutpostProcesses.await("gw-1 telling it cannot reach the server", WAIT,
                () -> agents[0].output().contains("cannot reach server"));

        server = outpost.server("srv", port, "--node-timeout", String.valueOf(NODE_TIMEOUT_SECONDS),
                "--eviction-timeout", String.valueOf(EVICTION_SECONDS));
        outpost.awaitConsole(server);
        awaitValue("gw-1 Ready after the server returned", WAIT, outpost.statusOf(server, "gw-1"), "Ready"::equals);
        awaitValue("thermo 3/3 after the resync", WAIT, workloadOf("thermo"), readyIs(3, 3));
    }

    @Test
    @Order(8)
    void badManifestsAreRefusedWithFieldAndLine() throws Exception {
        Path file = manifest("bad.yaml", deployment("bad", 1, "outpost/busybox:1", "true")
                .replace("      nodeSelector:", "      hostNetwork: true\n      nodeSelector:"));
        Result refused = shell("edge:deploy", "-f", file.toString());
        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.output().contains("bad.yaml:10: spec.template.spec.hostNetwork: Outpost containers run with network mode none; remove hostNetwork"), refused.output());
        assertTrue(!ok("edge:workloads").contains("bad "), "nothing applied");
    }

    @Test
    @Order(9)
    void bundleDeploymentInstallsABundleInTheAgentsFrameworksAndDeleteUninstallsIt() throws Exception {
        Path jar = work.resolve("org.outpost.test.hello-1.0.0.jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        mf.getMainAttributes().putValue("Bundle-SymbolicName", "org.outpost.test.hello");
        mf.getMainAttributes().putValue("Bundle-Version", "1.0.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            // a bundle with nothing but its manifest
        }
        Path file = manifest("hello-bundle.yaml", String.join("\n",
                "apiVersion: edge.outpost.org/v1",
                "kind: BundleDeployment",
                "metadata: {name: hello}",
                "spec:",
                "  nodeSelector: {sensors: 'yes'}",
                "  mode: AllNodes",
                "  bundles: ['" + jar.toUri() + "']",
                ""));
        assertEquals("bundledeployment/hello created (every matching node)", ok("edge:deploy", "-f", file.toString()).trim());

        awaitValue("hello on gw-1 and gw-2", WAIT, workloadOf("hello"), readyIs(2, 2));
        for (Node agent : List.of(agents[0], agents[1])) {
            Result bundles = outpost.shell(agent, "bundle:list", "-s");
            assertTrue(bundles.output().contains("org.outpost.test.hello") && bundles.output().contains("Active"), bundles.output());
        }
        assertTrue(!outpost.shell(agents[2], "bundle:list", "-s").output().contains("org.outpost.test.hello"));

        ok("edge:delete", "hello");
        awaitValue("hello uninstalled from gw-1", WAIT, () -> {
            try {
                return outpost.shell(agents[0], "bundle:list", "-s").output();
            } catch (IOException | InterruptedException e) {
                return "unknown";
            }
        }, out -> !out.contains("org.outpost.test.hello") && !out.equals("unknown"));
    }

    private List<String> containersOf(String workload) {
        try {
            return docker.containers("org.outpost.workload=default/" + workload);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> containersOf(String workload, String node) {
        try {
            return docker.containers("org.outpost.workload=default/" + workload).stream()
                    .filter(c -> c.startsWith("outpost_" + node + "_")).toList();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface Check<T> {
        T get() throws Exception;
    }

    /** Polls until {@code check} gives a value (not null). */
    private static <T> T awaitValueOf(String what, Check<T> check) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = check.get();
                if (value != null) {
                    return value;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out after " + WAIT + " waiting for " + what, last);
    }
}
