package org.outpost.packaging.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
import org.outpost.packaging.dp.ContainerProcess.BundleRow;
import org.outpost.packaging.dp.ContainerProcess.ComponentRow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The agent's deployment package on a Kura-style gateway: Equinox with SCR, Config Admin,
 * Metatype, Event Admin and Felix Deployment Admin in its own JVM, a real Outpost server from the
 * distribution in another. The package is installed through Deployment Admin, configured through
 * Config Admin as a gateway administrator would, joins the server and reports a simulated
 * device's readings, and leaves nothing behind when it is uninstalled. The steps build on each
 * other, so they run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentDeploymentPackageIT {
    private static final String NODE = "kura-gw-1";
    private static final String DEVICE = "kura-sensors";
    private static final int NODE_TIMEOUT_SECONDS = 5;
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final List<String> ACTIVE_COMPONENTS = List.of("LocalNodeComponent", "OutboxComponent", "TelemetryComponent",
            "AgentComponent", "BundleRuntime", "SimulatedDriver", "LinuxDriver");

    private final Path dp = requiredPath("outpost.dp");
    private final Path kuraBase = requiredPath("outpost.kuraBase");
    private final Path framework = requiredPath("outpost.framework");
    private final Path distribution = requiredPath("outpost.distribution");
    private Path work;
    private Path nodeDataDir;
    private OutpostServer server;
    private ContainerProcess gateway;
    private Map<String, String> packagedBundles;
    private Set<String> threadsBeforeInstall;

    /** On a failed step the gateway writes its bundle and component states to its log, quoted here. */
    @RegisterExtension
    final TestWatcher diagnosis = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (gateway != null) {
                gateway.diagnose();
                System.out.println(context.getDisplayName() + " failed; the gateway's state:" + gateway.logTail());
            }
            if (server != null) {
                System.out.println(server.outputTail());
            }
        }
    };

    @BeforeAll
    void startServerAndGateway() throws Exception {
        work = Path.of(System.getProperty("outpost.work", "target/it-work")).toAbsolutePath();
        deleteRecursively(work);
        Files.createDirectories(work);
        nodeDataDir = Files.createDirectories(work.resolve("kura-gw-1-data"));
        packagedBundles = bundlesOf(dp);
        // both JVMs boot at the same time; the gateway does not need the server until it is configured
        server = OutpostServer.start(distribution, work, NODE_TIMEOUT_SECONDS);
        gateway = ContainerProcess.start(work.resolve("gateway"), framework, kuraBase, STARTUP);
        server.awaitReady(STARTUP);
    }

    @AfterAll
    void stopEverything() {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    @Order(1)
    void packageInstallsThroughDeploymentAdminAndEveryBundleStarts() {
        threadsBeforeInstall = gateway.threads();

        String installed = gateway.send("install " + dp, Duration.ofSeconds(60)).get(0);

        assertEquals("ok installed org.outpost.agent.dp 0.1.0 " + packagedBundles.size(), installed);
        Map<String, BundleRow> bundles = bySymbolicName(gateway.bundles());
        for (Map.Entry<String, String> packaged : packagedBundles.entrySet()) {
            BundleRow bundle = bundles.get(packaged.getKey());
            assertTrue(bundle != null, () -> packaged.getKey() + " is not installed" + gateway.logTail());
            assertEquals(packaged.getValue(), bundle.version(), bundle.symbolicName());
            assertEquals("osgi-dp:" + bundle.symbolicName(), bundle.location(), "installed by Deployment Admin");
            assertEquals(bundle.fragment() ? "RESOLVED" : "ACTIVE", bundle.state(), () -> bundle + gateway.logTail());
        }
        assertTrue(packagedBundles.keySet().containsAll(List.of("org.outpost.agent", "org.outpost.node", "org.outpost.telemetry",
                "org.outpost.device.simulated", "org.outpost.device.linux", "io.netty.handler", "org.yaml.snakeyaml")),
                packagedBundles.keySet().toString());
    }

    @Test
    @Order(2)
    void nothingNeedsKaraf() {
        List<BundleRow> bundles = gateway.bundles();
        for (BundleRow bundle : bundles) {
            for (String karafImport : bundle.karafImports()) {
                assertTrue(karafImport.endsWith(":optional"), bundle.symbolicName() + " needs Karaf: " + karafImport);
            }
            assertEquals(List.of(), bundle.karafWires(), bundle.symbolicName() + " is wired to Karaf");
        }
        BundleRow node = bySymbolicName(bundles).get("org.outpost.node");
        assertEquals(List.of("org.apache.karaf.features:optional"), node.karafImports());
        assertEquals("ACTIVE", node.state());
    }

    @Test
    @Order(3)
    void configuredAgentJoinsTheServerAndBecomesReady() throws Exception {
        Map<String, Object> nodeConfig = new LinkedHashMap<>();
        nodeConfig.put("nodeName", NODE);
        nodeConfig.put("role", "agent");
        nodeConfig.put("dataDir", nodeDataDir.toString());
        nodeConfig.put("labels", "site=kura-lab,gateway=kura");
        gateway.configure("org.outpost.node", nodeConfig);
        Map<String, Object> agentConfig = new LinkedHashMap<>();
        agentConfig.put("serverUrl", server.url().toString());
        agentConfig.put("tokenFile", server.nodeTokenFile().toString());
        agentConfig.put("heartbeatMillis", 1000L);
        gateway.configure("org.outpost.agent", agentConfig);

        // Configured, every component of the package runs; a component that waits for a user that
        // never comes (as a delayed one does without Karaf's shell) shows here, not as a silent agent.
        Map<String, ComponentRow> components = Waits.value("the package's components to be active", Duration.ofSeconds(20),
                this::componentsBySimpleName, c -> ACTIVE_COMPONENTS.stream().allMatch(
                        name -> c.containsKey(name) && c.get(name).state().equals("ACTIVE")));
        // role switching installs Karaf features: without Karaf's FeaturesService it waits, and nothing else does
        ComponentRow roleSwitcher = components.get("RoleSwitcher");
        assertEquals("UNSATISFIED_REFERENCE", roleSwitcher.state(), roleSwitcher.toString());
        assertEquals("unsatisfied [features]", roleSwitcher.details());
        assertTrue(components.values().stream().noneMatch(c -> c.state().equals("FAILED_ACTIVATION")
                || c.state().equals("NO_CONFIGURATION")), components.values().toString());

        JsonNode node = Waits.value(NODE + " Ready on the server", Duration.ofSeconds(60), () -> server.node(NODE),
                n -> n.path("status").asText().equals("Ready"));

        assertEquals("kura-lab", node.path("labels").path("site").asText(), node.toString());
        assertEquals("0.1.0", node.path("version").asText(), node.toString());
        String nodes = server.shell("edge:nodes");
        assertTrue(nodes.lines().anyMatch(line -> line.matches(NODE.replace(".", "\\.") + "\\s+Ready\\s+agent\\s.*")), nodes);
    }

    @Test
    @Order(4)
    void nodeKeepsItsDataInTheConfiguredDirectoryOnly() throws Exception {
        assertTrue(Files.isRegularFile(nodeDataDir.resolve("agent/node.crt")), "the node's identity");
        assertTrue(Files.isDirectory(nodeDataDir.resolve("outbox")), "the node's outbox");
        // A gateway's working directory (Kura's install folder, or /) is no place for data.
        try (Stream<Path> written = Files.list(gateway.workingDirectory())) {
            assertEquals(List.of(), written.toList(), "written to the gateway's working directory");
        }
    }

    private Map<String, ComponentRow> componentsBySimpleName() {
        Map<String, ComponentRow> components = new LinkedHashMap<>();
        gateway.components().forEach(c -> components.put(c.name().substring(c.name().lastIndexOf('.') + 1), c));
        return components;
    }

    @Test
    @Order(5)
    void simulatedDeviceReadingsReachTheServer() throws Exception {
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("device.name", DEVICE);
        device.put("driver.pid", "simulated");
        device.put("temp#+name", "temp");
        device.put("temp#+type", "READ");
        device.put("temp#+value.type", "DOUBLE");
        device.put("temp#+unit", "C");
        device.put("temp#+poll.interval", 200L);
        device.put("temp#signal", "sine");
        device.put("temp#min", 18.0);
        device.put("temp#max", 26.0);
        device.put("temp#period", "10s");
        gateway.configureFactory("org.outpost.device", device);

        List<JsonNode> readings = Waits.value("readings of " + NODE + "/" + DEVICE + " on the server", Duration.ofSeconds(45),
                () -> server.readings(NODE, DEVICE), r -> r.size() >= 10);

        List<Long> times = new ArrayList<>();
        for (JsonNode reading : readings) {
            assertEquals("temp", reading.path("channel").asText(), reading.toString());
            assertEquals("DOUBLE", reading.path("type").asText(), reading.toString());
            assertEquals("GOOD", reading.path("quality").asText(), reading.toString());
            double value = reading.path("value").asDouble(Double.NaN);
            assertTrue(value >= 18.0 && value <= 26.0, "sine between min and max: " + reading);
            times.add(reading.path("timestamp").asLong());
        }
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        gaps.sort(Comparator.naturalOrder());
        long medianGap = gaps.get(gaps.size() / 2);
        // the configured 200 ms (a Long, as Config Admin types it), not the driver's default of 1 s
        assertTrue(medianGap > 0 && medianGap < 600, "median gap between readings " + medianGap + " ms: " + times);
    }

    @Test
    @Order(6)
    void uninstallRemovesEveryBundleAndStopsTheAgent() throws Exception {
        gateway.send("uninstall org.outpost.agent.dp", Duration.ofSeconds(60));

        List<BundleRow> left = gateway.bundles();
        for (BundleRow bundle : left) {
            assertFalse(bundle.location().startsWith("osgi-dp:"), "still installed: " + bundle);
            assertFalse(packagedBundles.containsKey(bundle.symbolicName()), "still installed: " + bundle);
        }
        assertTrue(left.stream().anyMatch(b -> b.symbolicName().equals("org.apache.felix.deploymentadmin")
                && b.state().equals("ACTIVE")), "the base stays: " + left);

        Waits.value(NODE + " NotReady once its agent is gone", Duration.ofSeconds(NODE_TIMEOUT_SECONDS + 25),
                () -> server.node(NODE).path("status").asText(), "NotReady"::equals);
        Set<String> leftover = Waits.value("the package's threads to end", Duration.ofSeconds(20),
                () -> newThreads(gateway.threads()), Set::isEmpty);
        assertTrue(leftover.isEmpty(), leftover.toString());
    }

    /**
     * Threads that were not there before the install, other than the JDK's own on-demand pools and
     * the framework's (Equinox starts its refresh thread on the first refresh, the uninstall's).
     */
    private Set<String> newThreads(Set<String> now) {
        return now.stream().filter(name -> !threadsBeforeInstall.contains(name))
                .filter(name -> !name.startsWith("ForkJoinPool.commonPool-worker-"))
                .filter(name -> !name.contains("Equinox Container: "))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Symbolic name to version of the bundles the package's manifest lists. */
    private static Map<String, String> bundlesOf(Path dp) throws IOException {
        Map<String, String> bundles = new LinkedHashMap<>();
        try (JarInputStream jar = new JarInputStream(Files.newInputStream(dp))) {
            Manifest manifest = jar.getManifest();
            assertEquals("org.outpost.agent.dp", manifest.getMainAttributes().getValue("DeploymentPackage-SymbolicName"));
            for (Map.Entry<String, Attributes> section : manifest.getEntries().entrySet()) {
                bundles.put(section.getValue().getValue("Bundle-SymbolicName"), section.getValue().getValue("Bundle-Version"));
            }
        }
        return bundles;
    }

    private static Map<String, BundleRow> bySymbolicName(List<BundleRow> rows) {
        Map<String, BundleRow> bundles = new LinkedHashMap<>();
        rows.forEach(row -> bundles.put(row.symbolicName(), row));
        return bundles;
    }

    static Path requiredPath(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.exists(Path.of(value))) {
            throw new IllegalStateException("system property " + property + " must name an existing file or folder (got "
                    + value + "); the module's failsafe configuration sets it");
        }
        return Path.of(value);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
