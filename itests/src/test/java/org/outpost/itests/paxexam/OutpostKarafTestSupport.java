package org.outpost.itests.paxexam;

import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.MavenUtils;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeRegistry;
import org.outpost.api.NodeStatus;

/**
 * Boots the assembled Outpost distribution (the {@code outpost-distribution} tar.gz of this build)
 * once per test class, as a server named {@value #NODE_NAME} with a fresh data directory, its HTTPS
 * endpoint and the SSH console on free loopback ports.
 *
 * <p>The {@link Configuration} method runs in the test JVM; the test methods run inside the
 * container, where everything they need is looked up again (services, configuration).
 *
 * <p>{@code -Doutpost.paxexam.keep=true} keeps the unpacked container (with {@code data/log/karaf.log})
 * under {@code target/paxexam/unpack} for a look after the run.
 */
public abstract class OutpostKarafTestSupport {

    static final String NODE_NAME = "paxexam";
    static final String SERVER_FEATURE = "outpost-role-server";
    static final String AGENT_FEATURE = "outpost-role-agent";

    /** Longest wait for what happens at boot (role feature install, server up). */
    static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
    /** How long the local agent may take to show Ready once the server runs. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected FeaturesService featuresService;

    @Inject
    protected ConfigurationAdmin configurationAdmin;

    @Inject
    protected SessionFactory sessionFactory;

    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    // ---------------------------------------------------------------- configuration (test JVM)

    @Configuration
    public Option[] config() throws IOException {
        File target = new File(System.getProperty("basedir", "."), "target").getAbsoluteFile();
        File paxexam = new File(target, "paxexam");
        Files.createDirectories(paxexam.toPath());
        Path dataDir = Files.createTempDirectory(paxexam.toPath(), "data-");
        // Pax Exam pipes this JVM's System.in into the Karaf process and keeps reading it after the
        // container stopped; under failsafe that stream carries the plugin's commands, so the fork
        // would miss its exit acknowledgement and be killed after 30 s. Karaf needs no input here.
        System.setIn(new ByteArrayInputStream(new byte[0]));
        String localRepository = localRepository();
        // the driver resolves the distribution itself through pax-url: same repository as the build
        System.setProperty("org.ops4j.pax.url.mvn.localRepository", localRepository);
        int httpsPort = freePort();
        int sshPort = freePort();
        int restPort = freePort();

        List<Option> options = new ArrayList<>(Arrays.asList(
                karafDistributionConfiguration()
                        .frameworkUrl(maven().groupId("org.outpost").artifactId("outpost-distribution")
                                .versionAsInProject().type("tar.gz"))
                        .karafVersion(MavenUtils.getArtifactVersion("org.apache.karaf.features",
                                "org.apache.karaf.features.core"))
                        .name("Outpost")
                        .unpackDirectory(new File(paxexam, "unpack"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole(),
                logLevel(LogLevel.INFO),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                        "org.ops4j.pax.url.mvn.localRepository", localRepository),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(sshPort)),
                editConfigurationFilePut("etc/org.outpost.node.cfg", "role", "server"),
                editConfigurationFilePut("etc/org.outpost.node.cfg", "nodeName", NODE_NAME),
                editConfigurationFilePut("etc/org.outpost.node.cfg", "dataDir", dataDir.toString()),
                editConfigurationFilePut("etc/org.outpost.server.cfg", "bindAddress", "127.0.0.1"),
                editConfigurationFilePut("etc/org.outpost.server.cfg", "httpsPort", Integer.toString(httpsPort)),
                editConfigurationFilePut("etc/org.outpost.kura.rest.cfg", "port", Integer.toString(restPort))));
        if (Boolean.getBoolean("outpost.paxexam.keep")) {
            options.add(keepRuntimeFolder());
        }
        return options(options.toArray(new Option[0]));
    }

    /**
     * Wires the packages the test classes use when the probe starts. With only the probe's default
     * {@code DynamicImport-Package: *} they are looked up when a class first needs them, and in
     * about half of the runs such a lookup failed while the boot-time install of the role feature
     * was still going on: the first test then failed with a ClassNotFoundException (an org.outpost.api,
     * Jackson or Karaf shell class) or with "No runnable methods" (org.junit.Test not loadable).
     * With static imports the probe is wired once, when Pax Exam starts it.
     */
    @ProbeBuilder
    public TestProbeBuilder probeConfiguration(TestProbeBuilder probe) {
        probe.setHeader(Constants.IMPORT_PACKAGE, String.join(",",
                "org.junit", "org.junit.runner", "javax.inject", "org.ops4j.pax.exam",
                "org.osgi.framework", "org.osgi.util.tracker", "org.osgi.service.cm",
                "org.apache.karaf.features", "org.apache.karaf.shell.api.console",
                "org.outpost.api", "org.outpost.api.device", "org.outpost.outbox", "com.fasterxml.jackson.databind",
                // the types in config()'s code, loaded when JUnit lists the test methods: optional, so
                // a container without them still resolves the probe
                "org.ops4j.pax.exam.options;resolution:=optional", "org.ops4j.pax.exam.karaf.options;resolution:=optional",
                "org.ops4j.pax.exam.junit;resolution:=optional", "org.ops4j.pax.exam.spi.reactors;resolution:=optional"));
        return probe;
    }

    /** The build's local repository: {@code -Dmaven.repo.local} when given, else {@code ~/.m2/repository}. */
    private static String localRepository() {
        String configured = System.getProperty("maven.repo.local");
        if (configured != null && !configured.isBlank()) {
            return new File(configured).getAbsolutePath();
        }
        return new File(System.getProperty("user.home"), ".m2/repository").getAbsolutePath();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    // ---------------------------------------------------------------- helpers (in the container)

    @org.junit.After
    public void closeTrackers() {
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
    }

    /**
     * Runs a console command in a fresh session and returns what it printed. A failing command
     * throws its exception (for the {@code edge:} commands a {@code CommandException} with the
     * one-line message the console would print).
     */
    protected String executeCommand(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "paxexam-command"));
        Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), out, out);
        try {
            Future<Object> result = executor.submit(() -> session.execute(command));
            try {
                result.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception failure) {
                    throw failure;
                }
                throw e;
            } catch (TimeoutException e) {
                result.cancel(true);
                throw new AssertionError("'" + command + "' did not finish within " + COMMAND_TIMEOUT
                        + "; printed so far: " + bytes.toString(StandardCharsets.UTF_8));
            }
            out.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            session.close();
            executor.shutdownNow();
        }
    }

    /** Waits until {@code condition} returns a non-null value (or true), polling; fails at the deadline. */
    protected static <T> T await(String what, Duration timeout, Supplier<T> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable lastFailure = null;
        Object lastValue = null;
        long pause = 20;
        while (true) {
            try {
                T value = condition.get();
                lastValue = value;
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (RuntimeException | AssertionError e) {
                lastFailure = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                AssertionError error = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for "
                        + what + (lastFailure != null ? "; last failure: " + lastFailure : "; last value: " + lastValue));
                if (lastFailure != null) {
                    error.initCause(lastFailure);
                }
                throw error;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            pause = Math.min(pause * 2, 250);
        }
    }

    /** A tracker for {@code type}, closed after the test method. */
    protected <T> ServiceTracker<T, T> tracker(Class<T> type) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, type, null);
        tracker.open();
        trackers.add(tracker);
        return tracker;
    }

    /** The service as soon as one is registered; fails after {@code timeout}. */
    protected <T> T awaitService(Class<T> type, Duration timeout) {
        ServiceTracker<T, T> tracker = tracker(type);
        try {
            T service = tracker.waitForService(timeout.toMillis());
            if (service == null) {
                fail("no " + type.getSimpleName() + " service within " + timeout.toSeconds() + " s");
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + type.getSimpleName(), e);
        }
    }

    /** Waits until no {@code type} service is registered. */
    protected <T> void awaitNoService(Class<T> type, Duration timeout) {
        ServiceTracker<T, T> tracker = tracker(type);
        await("no " + type.getSimpleName() + " service", timeout, () -> tracker.isEmpty());
    }

    /** The installed bundle with that symbolic name (the newest, should there be several). */
    protected Optional<Bundle> bundle(String symbolicName) {
        Bundle found = null;
        for (Bundle b : bundleContext.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName()) && (found == null || b.getBundleId() > found.getBundleId())) {
                found = b;
            }
        }
        return Optional.ofNullable(found);
    }

    protected Bundle awaitBundleActive(String symbolicName, Duration timeout) {
        return await("bundle " + symbolicName + " ACTIVE", timeout,
                () -> bundle(symbolicName).filter(b -> b.getState() == Bundle.ACTIVE).orElse(null));
    }

    protected boolean featureInstalled(String name) {
        try {
            for (Feature feature : featuresService.listInstalledFeatures()) {
                if (feature.getName().equals(name)) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            throw new IllegalStateException("cannot list installed features: " + e, e);
        }
    }

    /** A property of a configuration as ConfigAdmin has it, or null. */
    protected String configValue(String pid, String key) throws IOException {
        org.osgi.service.cm.Configuration[] found = listConfigurations("(service.pid=" + pid + ")");
        if (found == null || found.length == 0) {
            return null;
        }
        Dictionary<String, Object> props = found[0].getProperties();
        Object value = props == null ? null : props.get(key);
        return value == null ? null : value.toString();
    }

    private org.osgi.service.cm.Configuration[] listConfigurations(String filter) throws IOException {
        try {
            return configurationAdmin.listConfigurations(filter);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(filter, e);
        }
    }

    /** The URL the local server listens on, built from the configuration this class wrote. */
    protected String configuredServerUrl() throws IOException {
        return "https://127.0.0.1:" + configValue("org.outpost.server", "httpsPort");
    }

    /**
     * Waits until the registry shows {@value #NODE_NAME} Ready with a heartbeat newer than
     * {@code heartbeatAfter} (null: any), and returns it.
     */
    protected NodeInfo awaitLocalNodeReady(ServiceTracker<NodeRegistry, NodeRegistry> registries,
            java.time.Instant heartbeatAfter, Duration timeout) {
        return await(NODE_NAME + " Ready in NodeRegistry.list()"
                + (heartbeatAfter == null ? "" : " with a heartbeat after " + heartbeatAfter), timeout, () -> {
                    NodeRegistry registry = registries.getService();
                    if (registry == null) {
                        return null;
                    }
                    return registry.list().stream()
                            .filter(n -> NODE_NAME.equals(n.name()))
                            .filter(n -> n.status() == NodeStatus.Ready)
                            .filter(n -> heartbeatAfter == null
                                    || (n.lastHeartbeat() != null && n.lastHeartbeat().isAfter(heartbeatAfter)))
                            .findFirst().orElse(null);
                });
    }
}
