package org.outpost.packaging.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test of behaviour (run by {@code bench/agent-equinox.sh}, failsafe profile
 * {@code bench}): the resident memory of an Outpost agent that runs as the agent's deployment
 * package in a plain Equinox with Felix SCR, Config Admin, Metatype, Event Admin and Deployment
 * Admin (the Kura-style container of {@link AgentDeploymentPackageIT}) instead of in Karaf.
 *
 * <p>For each set of JVM options the container is started, idles, and its VmRSS is sampled three
 * times (the framework alone); then the package is installed and configured as an agent of a real
 * Outpost server, and once the node is Ready and has idled, VmRSS is sampled three times again.
 * The option sets are the launcher's own (what {@code outpost agent} runs Karaf with) and Kura's
 * recommended heap ({@code -Xmx256m}, the JVM's default collector). Medians are printed as a table.
 */
class AgentOnEquinoxBench {
    /**
     * The launcher's JVM options (launcher {@code Main.jvmOptions()}) without the SSH console's
     * property, and the malloc arena limit it exports.
     */
    private static final List<String> LAUNCHER_OPTIONS = List.of("-Xms16m", "-Xmx192m", "-XX:MaxNewSize=6m", "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=128m", "-Xss512k", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:ReservedCodeCacheSize=24m", "-Dio.netty.allocator.maxOrder=7", "-Dio.netty.allocator.numHeapArenas=1",
            "-Dio.netty.allocator.numDirectArenas=1");
    private static final Map<String, String> LAUNCHER_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");
    private static final List<String> KURA_OPTIONS = List.of("-Xmx256m");
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final int SAMPLES = 3;

    private final Path dp = AgentDeploymentPackageIT.requiredPath("outpost.dp");
    private final Path kuraBase = AgentDeploymentPackageIT.requiredPath("outpost.kuraBase");
    private final Path framework = AgentDeploymentPackageIT.requiredPath("outpost.framework");
    private final Path distribution = AgentDeploymentPackageIT.requiredPath("outpost.distribution");
    private final long idleSeconds = Long.getLong("outpost.bench.idleSeconds", 30);
    private final long spacingSeconds = Long.getLong("outpost.bench.sampleSpacingSeconds", 5);

    private record Figures(String options, List<Double> frameworkOnly, List<Double> agent, String agentJvm) {
    }

    @Test
    void idleResidentMemoryOfTheAgentInAPlainFramework() throws Exception {
        Path work = Path.of(System.getProperty("outpost.work", "target/it-work")).toAbsolutePath().resolve("bench");
        AgentDeploymentPackageIT.deleteRecursively(work);
        Files.createDirectories(work);
        record OptionSet(String label, List<String> jvmOptions, Map<String, String> environment) {
        }
        List<OptionSet> optionSets = List.of(
                new OptionSet("launcher's options (-Xmx192m, Serial GC, C1 only, 2 malloc arenas)", LAUNCHER_OPTIONS, LAUNCHER_ENVIRONMENT),
                new OptionSet("Kura's heap (-Xmx256m, default GC)", KURA_OPTIONS, Map.of()));

        List<Figures> figures = new ArrayList<>();
        try (OutpostServer server = OutpostServer.start(distribution, work, 30)) {
            server.awaitReady(STARTUP);
            int run = 0;
            for (OptionSet options : optionSets) {
                run++;
                figures.add(measure(server, work.resolve("gateway-" + run), "bench-gw-" + run, options.label(), options.jvmOptions(),
                        options.environment()));
            }
        }

        StringBuilder table = new StringBuilder("\nAgent on a plain Equinox (the agent's .dp): idle RSS, median of " + SAMPLES
                + " samples " + spacingSeconds + " s apart after " + idleSeconds + " s idle\n\n"
                + "| JVM options | framework + Kura-style base only | agent Ready (no devices) | agent's heap and metaspace |\n"
                + "|---|---|---|---|\n");
        for (Figures f : figures) {
            table.append("| ").append(f.options()).append(" | ").append(describe(f.frameworkOnly())).append(" | ")
                    .append(describe(f.agent())).append(" | ").append(f.agentJvm()).append(" |\n");
        }
        System.out.println(table);
        Path results = work.resolve("results.md");
        Files.writeString(results, table.toString());
        System.out.println("written to " + results);
    }

    private Figures measure(OutpostServer server, Path gatewayWork, String node, String label, List<String> jvmOptions,
            Map<String, String> environment) throws Exception {
        try (ContainerProcess gateway = ContainerProcess.start(gatewayWork, framework, kuraBase, STARTUP, jvmOptions, environment)) {
            List<Double> frameworkOnly = idleRss(gateway);

            String installed = gateway.send("install " + dp, Duration.ofSeconds(120)).get(0);
            assertTrue(installed.startsWith("ok installed org.outpost.agent.dp"), installed);
            Map<String, Object> nodeConfig = new LinkedHashMap<>();
            nodeConfig.put("nodeName", node);
            nodeConfig.put("role", "agent");
            nodeConfig.put("dataDir", Files.createDirectories(gatewayWork.resolve("node-data")).toString());
            gateway.configure("org.outpost.node", nodeConfig);
            Map<String, Object> agentConfig = new LinkedHashMap<>();
            agentConfig.put("serverUrl", server.url().toString());
            agentConfig.put("tokenFile", server.nodeTokenFile().toString());
            gateway.configure("org.outpost.agent", agentConfig);
            Waits.value(node + " Ready on the server", Duration.ofSeconds(90), () -> server.node(node).path("status").asText(),
                    "Ready"::equals);

            List<Double> agent = idleRss(gateway);
            String agentJvm = heapAndMetaspace(gateway.pid());
            assertEquals("Ready", server.node(node).path("status").asText(), node + " stayed Ready while idle");
            System.out.printf("%s: framework only %s, agent %s; %s%n", label, describe(frameworkOnly), describe(agent), agentJvm);
            return new Figures(label, frameworkOnly, agent, agentJvm);
        }
    }

    private List<Double> idleRss(ContainerProcess gateway) throws InterruptedException, IOException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            if (i > 0) {
                Thread.sleep(TimeUnit.SECONDS.toMillis(spacingSeconds));
            }
            samples.add(rssMiB(gateway.pid()));
        }
        return samples;
    }

    /** VmRSS of /proc/PID/status in MiB; the container must still be running. */
    private static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new AssertionError("no VmRSS for pid " + pid);
    }

    private static final Pattern GENERATION = Pattern.compile("(?m)^\\s*\\S.*?\\btotal (\\d+)K, used (\\d+)K");
    private static final Pattern METASPACE = Pattern.compile("(?m)^\\s*Metaspace\\s+used (\\d+)K, committed (\\d+)K");

    /** Heap committed and used (all generations or regions) and metaspace committed, from {@code jcmd PID GC.heap_info}. */
    private static String heapAndMetaspace(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
                "GC.heap_info").redirectErrorStream(true).start();
        jcmd.getOutputStream().close();
        String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jcmd.waitFor(30, TimeUnit.SECONDS) && jcmd.exitValue() == 0, "jcmd GC.heap_info: " + text);
        long committedKb = 0;
        long usedKb = 0;
        Matcher generation = GENERATION.matcher(text);
        while (generation.find()) {
            committedKb += Long.parseLong(generation.group(1));
            usedKb += Long.parseLong(generation.group(2));
        }
        Matcher metaspace = METASPACE.matcher(text);
        assertTrue(committedKb > 0 && metaspace.find(), "unexpected GC.heap_info output: " + text);
        return String.format("heap %.0f MiB committed (%.0f used), metaspace %.0f MiB committed", committedKb / 1024.0,
                usedKb / 1024.0, Long.parseLong(metaspace.group(2)) / 1024.0);
    }

    private static String describe(List<Double> samples) {
        List<Double> sorted = samples.stream().sorted().toList();
        StringBuilder text = new StringBuilder(String.format("%.0f MiB (samples", sorted.get(sorted.size() / 2)));
        for (double sample : samples) {
            text.append(String.format(" %.0f", sample));
        }
        return text.append(")").toString();
    }
}
