package org.outpost.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One gateway floods the server next to many quiet ones (docs/performance.md, "Ingest under a
 * flood"): a real server, a real agent whose simulated devices each read as fast as the device
 * limit allows (20 channels every 100 ms = 200 reads/s per device), and {@link SimulatedAgents}
 * (100 agents sending heartbeats) for the heartbeat round trips. Prints the server's RSS against its
 * heap bound, the quiet agents' heartbeat p50/p99, the readings the server accepted per second, and
 * what it held back from the flooding node (throttled) or that was dropped anywhere.
 *
 * <pre>
 * bench/ingest.sh [--agents 100] [--flood-devices 25] [--duration 60] [--server-java-opts -Xmx192m] [--budget N]
 * </pre>
 */
public final class IngestBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHANNELS_PER_DEVICE = 20;
    private static final int POLL_MILLIS = 100;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private Path root;
    private Path work;
    private int agents = 100;
    private int floodDevices = 25;
    private int durationSeconds = 60;
    private String serverJavaOpts = "";
    private String clientJavaOpts = "-Xms256m -Xmx1g";
    private Integer budget;

    public static void main(String[] args) throws Exception {
        IngestBench bench = new IngestBench();
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--root" -> bench.root = Path.of(value).toAbsolutePath().normalize();
                case "--work-dir" -> bench.work = Path.of(value).toAbsolutePath().normalize();
                case "--agents" -> bench.agents = Integer.parseInt(value);
                case "--flood-devices" -> bench.floodDevices = Integer.parseInt(value);
                case "--duration" -> bench.durationSeconds = Integer.parseInt(value);
                case "--server-java-opts" -> bench.serverJavaOpts = value;
                case "--client-java-opts" -> bench.clientJavaOpts = value;
                case "--budget" -> bench.budget = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (bench.root == null) throw new IllegalArgumentException("--root is required");
        if (bench.work == null) bench.work = bench.root.resolve("bench/target/ingest-work");
        System.exit(bench.run());
    }

    private int run() throws Exception {
        deleteTree(work);
        Files.createDirectories(work);
        Path launcher = root.resolve("outpost");
        Path serverDir = work.resolve("server");
        int port = Bench.freePort();
        URI url = URI.create("https://127.0.0.1:" + port);
        log("starting the server (OUTPOST_JAVA_OPTS=\"%s\")", serverJavaOpts);
        try (Instance server = Instance.start(launcher, serverDir, serverJavaOpts, List.of("server", "--data-dir",
                serverDir.toString(), "--bind", "127.0.0.1", "--https-port", String.valueOf(port), "--node-name", "srv",
                "--node-timeout", "30"))) {
            AdminClient admin = awaitAdmin(url, serverDir);
            long serverPid = jvmPid(server);
            if (budget != null) {
                Files.writeString(serverDir.resolve("etc/org.outpost.server.ingest.cfg"),
                        "readingsPerSecondPerNode = " + budget + "\n", StandardCharsets.UTF_8);
            }
            Path floodDir = work.resolve("flood");
            log("starting the flooding agent");
            try (Instance flood = Instance.start(launcher, floodDir, "", List.of("agent", "--server", url.toString(),
                    "--token-file", serverDir.resolve("server/node-token").toString(), "--data-dir", floodDir.toString(),
                    "--node-name", "flood"))) {
                awaitReady(admin, "flood");
                for (int i = 0; i < floodDevices; i++) writeDevice(floodDir, "flood-" + i);
                log("%d devices of %d channels every %d ms: %d readings/s asked for", floodDevices, CHANNELS_PER_DEVICE,
                        POLL_MILLIS, floodDevices * CHANNELS_PER_DEVICE * 1000 / POLL_MILLIS);
                awaitThrottled(admin);
                return measure(admin, serverPid, serverDir, port);
            }
        }
    }

    private int measure(AdminClient admin, long serverPid, Path serverDir, int port) throws Exception {
        Path result = work.resolve("agents.json");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(clientJavaOpts.trim().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SimulatedAgents.class.getName(),
                "--server", "https://127.0.0.1:" + port,
                "--token-file", serverDir.resolve("server/node-token").toString(),
                "--admin-token-file", serverDir.resolve("server/admin-token").toString(),
                "--server-pid", String.valueOf(serverPid),
                "--agents", String.valueOf(agents),
                "--duration", String.valueOf(durationSeconds),
                "--result", result.toString()));
        command.removeIf(String::isEmpty);
        log("starting %d simulated agents for a %d s window", agents, durationSeconds);
        String before = admin.metrics(Duration.ofSeconds(10)).orElse("");
        long startNanos = System.nanoTime();
        Process sim = new ProcessBuilder(command).redirectOutput(work.resolve("agents.out").toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Double> rss = new ArrayList<>();
        double peak = 0;
        while (!sim.waitFor(5, TimeUnit.SECONDS)) {
            rss.add(Proc.rssMiB(serverPid));
            peak = Math.max(peak, Proc.peakRssMiB(serverPid));
            if (System.nanoTime() - startNanos > TimeUnit.SECONDS.toNanos(durationSeconds + 900L)) {
                sim.destroy();
                break;
            }
        }
        String after = admin.metrics(Duration.ofSeconds(10)).orElse("");
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        if (!Files.isRegularFile(result)) {
            System.out.println("SimulatedAgents produced no result; see " + work.resolve("agents.out"));
            return 1;
        }
        JsonNode r = JSON.readTree(result.toFile());
        double accepted = (sum(after, "outpost_readings_received_total") - sum(before, "outpost_readings_received_total")) / seconds;
        double floodAccepted = (node(after, "outpost_readings_received_total", "flood")
                - node(before, "outpost_readings_received_total", "flood")) / seconds;
        double throttledPerSecond = (node(after, "outpost_ingest_throttled_total", "flood")
                - node(before, "outpost_ingest_throttled_total", "flood")) / seconds;
        double heapBound = heapBoundMiB(serverJavaOpts);
        double rssMedian = Stats.median(rss);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n## Ingest under a flood (%d agents + 1 flooding agent with %d devices × %d channels"
                + " every %d ms, %.0f s)%n%n", agents, floodDevices, CHANNELS_PER_DEVICE, POLL_MILLIS, seconds));
        out.append("| Figure | Result | Target |\n|---|---|---|\n");
        row(out, "Server RSS in the window: median / peak (heap bound)",
                String.format(Locale.ROOT, "%.0f / %.0f MiB (-Xmx%.0fm; %d samples)", rssMedian, peak, heapBound, rss.size()),
                "stays within its heap bound + JVM overhead");
        row(out, "Quiet agents' heartbeat RTT p50 / p99 / max",
                String.format(Locale.ROOT, "%.1f / %.1f / %.1f ms (%d acked of %d, %d agents)", r.path("rttP50Ms").asDouble(),
                        r.path("rttP99Ms").asDouble(), r.path("rttMaxMs").asDouble(), r.path("heartbeatsAcked").asLong(),
                        r.path("heartbeatsSent").asLong(), r.path("connected").asInt()),
                "p99 ≤ 50 ms: " + (r.path("rttP99Ms").asDouble() <= 50 ? "met" : "MISSED"));
        row(out, "Readings accepted by the server", String.format(Locale.ROOT, "%.0f/s (flooding node %.0f/s; asked for %d/s)",
                accepted, floodAccepted, floodDevices * CHANNELS_PER_DEVICE * 1000 / POLL_MILLIS),
                "flooding node ≈ its budget (" + (int) metric(after, "outpost_ingest_budget_readings_per_second") + "/s)");
        row(out, "Flooding node's excess: throttled (acknowledgement delayed)",
                String.format(Locale.ROOT, "%.0f readings/s; %.0f in all, acknowledgements waited %.0f s in all",
                        throttledPerSecond, node(after, "outpost_ingest_throttled_total", "flood"),
                        node(after, "outpost_ingest_throttled_seconds_total", "flood")), "counted");
        row(out, "Flooding node's outbox: depth / dropped / refused",
                String.format(Locale.ROOT, "%.0f / %.0f / %.0f records", node(after, "outpost_outbox_depth", "flood"),
                        node(after, "outpost_outbox_dropped_total", "flood"), node(after, "outpost_outbox_refused_total", "flood")),
                "held within its bound; drops counted");
        row(out, "Server history memory (estimate) / bound",
                String.format(Locale.ROOT, "%.1f / %.1f MiB over %.0f channels", metric(after, "outpost_readings_history_bytes") / 1048576,
                        metric(after, "outpost_readings_history_bytes_limit") / 1048576,
                        metric(after, "outpost_readings_history_channels")), "");
        row(out, "Server CPU in the window", String.format(Locale.ROOT, "%.0f %% of one core", r.path("serverCpuPercent").asDouble()), "");
        System.out.print(out);
        Files.writeString(work.resolve("results.md"), out, StandardCharsets.UTF_8);
        return sim.exitValue() == 0 ? 0 : 1;
    }

    private static void row(StringBuilder out, String figure, String result, String target) {
        out.append("| ").append(figure).append(" | ").append(result).append(" | ").append(target).append(" |\n");
    }

    /** A simulated device in the agent's etc/, as a user drops it: at the per-device limit of 200 reads/s. */
    private static void writeDevice(Path agentDir, String name) throws IOException {
        StringBuilder cfg = new StringBuilder("device.name = " + name + "\ndriver.pid = simulated\n");
        for (int i = 0; i < CHANNELS_PER_DEVICE; i++) {
            cfg.append("c").append(i).append("#+name = c").append(i).append('\n')
                    .append("c").append(i).append("#+value.type = DOUBLE\n")
                    .append("c").append(i).append("#+poll.interval = ").append(POLL_MILLIS).append('\n')
                    .append("c").append(i).append("#signal = random\n");
        }
        Path file = agentDir.resolve("etc/org.outpost.device-" + name + ".cfg");
        Path temp = file.resolveSibling(name + ".tmp");
        Files.writeString(temp, cfg, StandardCharsets.UTF_8);
        Files.move(temp, file);
    }

    private AdminClient awaitAdmin(URI url, Path serverDir) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<AdminClient> admin = AdminClient.forDataDir(url, serverDir);
            if (admin.isPresent() && admin.get().healthy(Duration.ofSeconds(2))) return admin.get();
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server did not answer within " + START_TIMEOUT);
    }

    private static void awaitReady(AdminClient admin, String node) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (admin.node(node, Duration.ofSeconds(5)).map(AdminClient.Node::ready).orElse(false)) return;
            Thread.sleep(500);
        }
        throw new IllegalStateException(node + " did not become Ready within " + START_TIMEOUT);
    }

    /** Until the flood reaches the server's budget (or a minute has passed). */
    private static void awaitThrottled(AdminClient admin) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String metrics = admin.metrics(Duration.ofSeconds(5)).orElse("");
            if (node(metrics, "outpost_ingest_throttled_total", "flood") > 0) {
                log("the flooding node is being paced");
                return;
            }
            Thread.sleep(1_000);
        }
        log("the flooding node was not paced within a minute (its devices may read less than the budget)");
    }

    private static double node(String metrics, String name, String node) {
        double value = AdminClient.metric(metrics, name + "{node=\"" + node + "\"}");
        return Double.isNaN(value) ? 0 : value;
    }

    private static double metric(String metrics, String name) {
        double value = AdminClient.metric(metrics, name);
        return Double.isNaN(value) ? 0 : value;
    }

    private static double sum(String metrics, String name) {
        double total = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{")) total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return total;
    }

    /** The -Xmx in the options, else the launcher's default of 192 MiB. */
    private static double heapBoundMiB(String javaOpts) {
        Matcher m = Pattern.compile("-Xmx(\\d+)([mMgG])").matcher(javaOpts == null ? "" : javaOpts);
        double bound = 192;
        while (m.find()) bound = Double.parseDouble(m.group(1)) * (m.group(2).equalsIgnoreCase("g") ? 1024 : 1);
        return bound;
    }

    private static long jvmPid(Instance instance) {
        long pid = instance.pid();
        if (Proc.commandLine(pid).contains("java")) return pid;
        long recorded = instance.karafPid();
        return recorded > 0 ? recorded : pid;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[ingest %tT] %s%n", System.currentTimeMillis(), String.format(Locale.ROOT, format, args));
    }
}
