package org.outpost.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Outpost benchmark: distribution size, server and agent start-up to Ready, idle RSS, and
 * join + heartbeat load from {@link SimulatedAgents}; prints one Markdown table with the targets.
 * Every wait is bounded, and every instance it starts is stopped with {@code outpost stop}.
 * See docs/performance.md; normally run through bench/run.sh.
 */
public final class Bench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVER_NODE = "srv";
    private static final Set<String> ALL_SECTIONS = Set.of("size", "server", "agent", "load");

    /** Command-line settings. */
    static final class Options {
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path workDir;
        Path launcher;
        boolean snapshot = true;
        Set<String> sections = new LinkedHashSet<>(List.of("size", "server", "agent", "load"));
        List<Integer> agents = List.of(100, 500, 1000);
        int runs = 3;
        int idleSeconds = 30;
        int sampleSpacingSeconds = 5;
        int loadSeconds = 60;
        long heartbeatMillis = 2000;
        int joinParallelism = 4;
        int setupTimeoutSeconds = 1800;
        int startTimeoutSeconds = 180;
        int loadNodeTimeoutSeconds = 30;
        String serverJavaOpts = "";
        String clientJavaOpts = "-Xms256m -Xmx1g";

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--no-snapshot")) {
                    o.snapshot = false;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--root" -> o.root = Path.of(value).toAbsolutePath().normalize();
                    case "--work-dir" -> o.workDir = Path.of(value).toAbsolutePath().normalize();
                    case "--launcher" -> {
                        o.launcher = Path.of(value).toAbsolutePath().normalize();
                        o.snapshot = false;
                    }
                    case "--sections" -> {
                        o.sections = new LinkedHashSet<>(Arrays.asList(value.split(",")));
                        if (!ALL_SECTIONS.containsAll(o.sections)) {
                            throw new IllegalArgumentException("--sections takes a list of " + ALL_SECTIONS);
                        }
                    }
                    case "--agents" -> o.agents = value.isBlank() ? List.of()
                            : Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
                    case "--runs" -> o.runs = Integer.parseInt(value);
                    case "--idle" -> o.idleSeconds = Integer.parseInt(value);
                    case "--sample-spacing" -> o.sampleSpacingSeconds = Integer.parseInt(value);
                    case "--duration" -> o.loadSeconds = Integer.parseInt(value);
                    case "--heartbeat-ms" -> o.heartbeatMillis = Long.parseLong(value);
                    case "--join-parallelism" -> o.joinParallelism = Integer.parseInt(value);
                    case "--setup-timeout" -> o.setupTimeoutSeconds = Integer.parseInt(value);
                    case "--start-timeout" -> o.startTimeoutSeconds = Integer.parseInt(value);
                    case "--load-node-timeout" -> o.loadNodeTimeoutSeconds = Integer.parseInt(value);
                    case "--server-java-opts" -> o.serverJavaOpts = value;
                    case "--client-java-opts" -> o.clientJavaOpts = value;
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (o.workDir == null) {
                o.workDir = o.root.resolve("bench/target/bench-work");
            }
            if (o.runs < 1) {
                throw new IllegalArgumentException("--runs must be at least 1");
            }
            return o;
        }
    }

    /** One line of the result table. */
    record Row(String figure, String result, String target, String verdict) {
    }

    private final Options options;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Path launcher;

    Bench(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new Bench(options).run());
    }

    int run() throws Exception {
        ZonedDateTime started = ZonedDateTime.now();
        double loadStart = Proc.loadAverage();
        Files.createDirectories(options.workDir);
        Path tarGz = options.root.resolve("karaf-distribution/target/outpost-distribution-0.1.0.tar.gz");
        Path assembly = options.root.resolve("karaf-distribution/target/assembly");
        if (!Files.isDirectory(assembly) || !Files.isRegularFile(tarGz)) {
            System.err.println("bench: no distribution in " + assembly.getParent() + "; build it first (bench/run.sh does)");
            return 2;
        }
        if (!options.sections.equals(Set.of("size"))) {
            launcher = prepareLauncher(assembly);
            log("launcher: %s", launcher);
        }

        int failures = 0;
        if (options.sections.contains("size")) {
            size(tarGz, assembly);
        }
        if (options.sections.contains("server") || options.sections.contains("agent")) {
            failures += startupAndIdle();
        }
        if (options.sections.contains("load")) {
            for (int n : options.agents) {
                failures += load(n);
            }
        }
        double loadEnd = Proc.loadAverage();
        String report = report(started, loadStart, loadEnd);
        System.out.println();
        System.out.println(report);
        Path results = options.workDir.resolve("results.md");
        Files.writeString(results, report, StandardCharsets.UTF_8);
        log("table written to %s", results);
        return failures == 0 ? 0 : 1;
    }

    /**
     * The launcher to run. By default a private copy of the assembly (taken now), so a rebuild of
     * karaf-distribution by someone else during the run cannot pull files from under the
     * instances; its bin/outpost is exactly what ./outpost execs.
     */
    private Path prepareLauncher(Path assembly) throws IOException {
        if (options.launcher != null) {
            return options.launcher;
        }
        if (!options.snapshot) {
            return options.root.resolve("outpost");
        }
        Path copy = options.workDir.resolve("dist");
        deleteTree(copy);
        try (Stream<Path> paths = Files.walk(assembly)) {
            paths.forEach(source -> {
                try {
                    Path target = copy.resolve(assembly.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return copy.resolve("bin/outpost");
    }

    // ---- 1. distribution size -------------------------------------------------------------------

    private void size(Path tarGz, Path assembly) throws IOException {
        long tar = Files.size(tarGz);
        long unpacked = 0;
        long files = 0;
        List<Path> all;
        try (Stream<Path> paths = Files.walk(assembly)) {
            all = paths.filter(Files::isRegularFile).toList();
        }
        for (Path p : all) {
            unpacked += Files.size(p);
            files++;
        }
        rows.add(new Row("Distribution tar.gz", String.format(Locale.ROOT, "%.1f MiB (%,d bytes)", mib(tar), tar),
                "≤ 30 MB", verdict(mib(tar) <= 30)));
        rows.add(new Row("Distribution unpacked (assembly/)", String.format(Locale.ROOT, "%.1f MiB (%,d bytes, %d files)",
                mib(unpacked), unpacked, files), "", ""));
        String largest = all.stream().sorted(Comparator.comparingLong(Bench::sizeOf).reversed()).limit(8)
                .map(p -> String.format(Locale.ROOT, "%s %.1f MiB", p.getFileName(), mib(sizeOf(p))))
                .collect(Collectors.joining(", "));
        notes.add("Largest files in the distribution: " + largest + ".");
        log("distribution: tar.gz %.1f MiB, unpacked %.1f MiB", mib(tar), mib(unpacked));
    }

    // ---- 2-4. start-up and idle memory ----------------------------------------------------------

    /** Seconds from the launch to: the Karaf JVM running (launcher done), banner, /healthz, local agent Ready. */
    private record ServerStart(double jvm, double banner, double healthz, double ready) {
    }

    /** Seconds from the launch to the Karaf JVM running and to the node being Ready on the server. */
    private record AgentStart(double jvm, double ready) {
    }

    private int startupAndIdle() throws Exception {
        Path dir = options.workDir.resolve("startup");
        deleteTree(dir);
        Files.createDirectories(dir);
        // cold: a fresh data dir; first restart: the class archive the cold run wrote at its stop is
        // checked and adopted; restart: every start after that
        String[] kinds = {"cold: fresh data dir", "first restart: class archive checked", "restart: existing data dir"};
        List<List<ServerStart>> starts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Instance server = null;
        Path serverDir = null;
        int port = 0;
        int failures = 0;
        try {
            for (int run = 1; run <= options.runs; run++) {
                serverDir = dir.resolve("server-" + run);
                for (int kind = 0; kind < kinds.length; kind++) {
                    port = freePort();
                    server = Instance.start(launcher, serverDir, "", serverArgs(serverDir, port, null));
                    ServerStart start = awaitServer(server, port);
                    log("server run %d %s: JVM %s, banner %s, /healthz %s, Ready %s", run, kinds[kind].split(":")[0],
                            Stats.seconds(start.jvm()), Stats.seconds(start.banner()), Stats.seconds(start.healthz()),
                            Stats.seconds(start.ready()));
                    starts.get(kind).add(start);
                    if (Double.isNaN(start.ready())) {
                        failures++;
                    }
                    boolean keepForIdle = run == options.runs && kind == kinds.length - 1;
                    if (!keepForIdle) {
                        server.stop();
                        server = null;
                    }
                }
            }
            if (options.sections.contains("server")) {
                for (int kind = 0; kind < kinds.length; kind++) {
                    List<ServerStart> s = starts.get(kind);
                    addStartRows(kinds[kind], s.stream().map(ServerStart::jvm).toList(), s.stream().map(ServerStart::banner).toList(),
                            s.stream().map(ServerStart::healthz).toList(), s.stream().map(ServerStart::ready).toList());
                }
            }
            if (server == null || !server.alive()) {
                notes.add("No server was left running for the idle-RSS and agent measurements.");
                return failures + 1;
            }
            long serverPid = jvmPid(server);
            if (options.sections.contains("server")) {
                List<Double> rss = idleRss(serverPid, "server");
                rows.add(new Row("Server idle RSS (" + options.idleSeconds + " s after Ready, local agent connected)",
                        String.format(Locale.ROOT, "%.0f MiB (samples %s)", Stats.median(rss), Stats.runs(rss, "%.0f")),
                        "≤ 160 MB", verdict(Stats.median(rss) <= 160)));
            }
            if (options.sections.contains("agent")) {
                failures += agents(dir, server, serverDir, port);
            }
        } finally {
            if (server != null) {
                server.stop();
            }
        }
        return failures;
    }

    private List<String> serverArgs(Path dataDir, int port, Integer nodeTimeout) {
        List<String> args = new ArrayList<>(List.of("server", "--data-dir", dataDir.toString(), "--bind", "127.0.0.1",
                "--https-port", String.valueOf(port), "--node-name", SERVER_NODE));
        if (nodeTimeout != null) {
            args.addAll(List.of("--node-timeout", String.valueOf(nodeTimeout)));
        }
        return args;
    }

    private void addStartRows(String kind, List<Double> jvm, List<Double> banner, List<Double> health, List<Double> ready) {
        rows.add(new Row("Server start → Karaf JVM running, launcher done (" + kind + ")", startResult(jvm), "", ""));
        rows.add(new Row("Server start → \"listening\" banner (" + kind + ")", startResult(banner), "", ""));
        rows.add(new Row("Server start → /healthz answers (" + kind + ")", startResult(health), "", ""));
        rows.add(new Row("Server start → local agent Ready (" + kind + ")", startResult(ready), "≤ 3 s",
                verdict(Stats.median(ready) <= 3.0)));
    }

    private String startResult(List<Double> values) {
        return String.format(Locale.ROOT, "%s (runs %s)", Stats.seconds(Stats.median(values)), Stats.runs(values, "%.2f"));
    }

    /**
     * Polls every 50 ms until /healthz answers and then until the local agent is Ready on a
     * hello or heartbeat received after the launch (a restarted server reports nodes from its
     * store as Ready for one grace period before they reconnect, so status alone would flatter
     * a restart).
     */
    private ServerStart awaitServer(Instance instance, int port) throws InterruptedException {
        Instant launched = Instant.now().minusMillis(5);
        URI base = URI.create("https://127.0.0.1:" + port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.startTimeoutSeconds);
        AdminClient admin = null;
        double healthz = Double.NaN;
        double jvm = Double.NaN;
        while (System.nanoTime() < deadline) {
            if (!instance.alive()) {
                log("instance in %s exited early:%n%s", instance.dataDir(), instance.outputTail(20));
                return new ServerStart(jvm, instance.bannerSeconds(), healthz, Double.NaN);
            }
            if (Double.isNaN(jvm) && karafRunning(instance)) {
                jvm = instance.secondsSinceStart();
            }
            if (admin == null) {
                admin = AdminClient.forDataDir(base, instance.dataDir()).orElse(null);
            }
            if (admin != null) {
                if (Double.isNaN(healthz) && admin.healthy(Duration.ofSeconds(2))) {
                    healthz = instance.secondsSinceStart();
                }
                if (!Double.isNaN(healthz)) {
                    Optional<AdminClient.Node> node = admin.node(SERVER_NODE, Duration.ofSeconds(5));
                    if (node.isPresent() && node.get().readySince(launched)) {
                        double ready = instance.secondsSinceStart();
                        awaitBanner(instance);
                        return new ServerStart(jvm, instance.bannerSeconds(), healthz, ready);
                    }
                }
            }
            Thread.sleep(50);
        }
        log("server in %s not Ready within %d s:%n%s", instance.dataDir(), options.startTimeoutSeconds, instance.outputTail(20));
        return new ServerStart(jvm, instance.bannerSeconds(), healthz, Double.NaN);
    }

    /** The launcher has exec'd Karaf: the started process is now Karaf's JVM. */
    private static boolean karafRunning(Instance instance) {
        return Proc.commandLine(instance.pid()).contains("org.apache.karaf.main.Main");
    }

    private static void awaitBanner(Instance instance) throws InterruptedException {
        for (int i = 0; i < 40 && Double.isNaN(instance.bannerSeconds()); i++) {
            Thread.sleep(50);
        }
    }

    private int agents(Path dir, Instance server, Path serverDir, int port) throws Exception {
        URI url = URI.create("https://127.0.0.1:" + port);
        AdminClient admin = AdminClient.forDataDir(url, serverDir).orElseThrow();
        Path token = serverDir.resolve("server/node-token");
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        List<Double> coldJvm = new ArrayList<>();
        List<Double> warmJvm = new ArrayList<>();
        Instance agent = null;
        int failures = 0;
        try {
            for (int run = 1; run <= options.runs; run++) {
                Path agentDir = dir.resolve("agent-" + run);
                String name = "gw-" + run;
                Instance first = startAgent(agentDir, name, url, token);
                AgentStart c = awaitAgent(first, admin, name);
                cold.add(c.ready());
                coldJvm.add(c.jvm());
                first.stop();
                // Wait until the server has noticed (node timeout), so the restart is a real reconnection.
                boolean notReady = awaitNotReady(admin, name);
                agent = startAgent(agentDir, name, url, token);
                AgentStart w = awaitAgent(agent, admin, name);
                warm.add(w.ready());
                warmJvm.add(w.jvm());
                log("agent run %d: first join → JVM %s, Ready %s; restart → JVM %s, Ready %s%s", run, Stats.seconds(c.jvm()),
                        Stats.seconds(c.ready()), Stats.seconds(w.jvm()), Stats.seconds(w.ready()),
                        notReady ? "" : " (server had not marked it NotReady before the restart)");
                if (Double.isNaN(c.ready()) || Double.isNaN(w.ready())) {
                    failures++;
                }
                if (run < options.runs) {
                    agent.stop();
                    agent = null;
                }
            }
            rows.add(new Row("Agent start → Karaf JVM running, launcher done (fresh data dir)", startResult(coldJvm), "", ""));
            rows.add(new Row("Agent start → Ready on server (fresh data dir: key, CSR, join)", startResult(cold), "", ""));
            rows.add(new Row("Agent restart → Karaf JVM running, launcher done (identity kept)", startResult(warmJvm), "", ""));
            rows.add(new Row("Agent restart → Ready on server (identity kept)", startResult(warm), "", ""));
            if (agent != null && agent.alive()) {
                List<Double> rss = idleRss(jvmPid(agent), "agent");
                rows.add(new Row("Agent idle RSS (" + options.idleSeconds + " s after Ready)",
                        String.format(Locale.ROOT, "%.0f MiB (samples %s)", Stats.median(rss), Stats.runs(rss, "%.0f")),
                        "≤ 80 MB", verdict(Stats.median(rss) <= 80)));
            } else {
                failures++;
            }
        } finally {
            if (agent != null) {
                agent.stop();
            }
        }
        return failures;
    }

    private Instance startAgent(Path agentDir, String name, URI url, Path token) throws IOException {
        return Instance.start(launcher, agentDir, "", List.of("agent", "--server", url.toString(), "--token-file",
                token.toString(), "--data-dir", agentDir.toString(), "--node-name", name));
    }

    private AgentStart awaitAgent(Instance instance, AdminClient admin, String name) throws InterruptedException {
        Instant launched = Instant.now().minusMillis(5);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.startTimeoutSeconds);
        double jvm = Double.NaN;
        while (System.nanoTime() < deadline) {
            if (!instance.alive()) {
                log("agent in %s exited early:%n%s", instance.dataDir(), instance.outputTail(20));
                return new AgentStart(jvm, Double.NaN);
            }
            if (Double.isNaN(jvm) && karafRunning(instance)) {
                jvm = instance.secondsSinceStart();
            }
            Optional<AdminClient.Node> node = admin.node(name, Duration.ofSeconds(5));
            if (node.isPresent() && node.get().readySince(launched)) {
                return new AgentStart(jvm, instance.secondsSinceStart());
            }
            Thread.sleep(50);
        }
        log("agent %s not Ready within %d s:%n%s", name, options.startTimeoutSeconds, instance.outputTail(20));
        return new AgentStart(jvm, Double.NaN);
    }

    private boolean awaitNotReady(AdminClient admin, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Optional<AdminClient.Node> node = admin.node(name, Duration.ofSeconds(5));
            if (node.isPresent() && !node.get().ready()) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** Waits the idle time, then takes three VmRSS samples a few seconds apart. */
    private List<Double> idleRss(long pid, String what) throws InterruptedException {
        log("%s idle for %d s before sampling RSS (pid %d)", what, options.idleSeconds, pid);
        Thread.sleep(TimeUnit.SECONDS.toMillis(options.idleSeconds));
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                Thread.sleep(TimeUnit.SECONDS.toMillis(options.sampleSpacingSeconds));
            }
            samples.add(Proc.rssMiB(pid));
        }
        log("%s idle RSS samples (MiB): %s", what, Stats.runs(samples, "%.1f"));
        return samples;
    }

    /** The node's JVM: the started process, which execs java; karaf.pid if it somehow is not. */
    private static long jvmPid(Instance instance) {
        long pid = instance.pid();
        if (Proc.commandLine(pid).contains("java")) {
            return pid;
        }
        long recorded = instance.karafPid();
        return recorded > 0 ? recorded : pid;
    }

    // ---- 5. join + heartbeat load ---------------------------------------------------------------

    private int load(int n) throws Exception {
        Path dataDir = options.workDir.resolve("load-" + n);
        deleteTree(dataDir);
        Path result = options.workDir.resolve("load-" + n + ".json");
        Files.deleteIfExists(result);
        Files.deleteIfExists(options.workDir.resolve("load-" + n + ".out"));
        int port = freePort();
        log("load N=%d: starting a server (--node-timeout %d, OUTPOST_JAVA_OPTS=\"%s\")", n, options.loadNodeTimeoutSeconds,
                options.serverJavaOpts);
        Instance server = Instance.start(launcher, dataDir, options.serverJavaOpts,
                serverArgs(dataDir, port, options.loadNodeTimeoutSeconds));
        try {
            ServerStart start = awaitServer(server, port);
            if (Double.isNaN(start.ready())) {
                rows.add(new Row("N=" + n + ": load test", "server did not become Ready", "", "FAILED"));
                return 1;
            }
            long pid = jvmPid(server);
            double rssBefore = Proc.rssMiB(pid);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(Arrays.asList(options.clientJavaOpts.trim().split("\\s+")));
            command.addAll(List.of("-cp", childClassPath(), SimulatedAgents.class.getName(),
                    "--server", "https://127.0.0.1:" + port,
                    "--token-file", dataDir.resolve("server/node-token").toString(),
                    "--admin-token-file", dataDir.resolve("server/admin-token").toString(),
                    "--server-pid", String.valueOf(pid),
                    "--agents", String.valueOf(n),
                    "--duration", String.valueOf(options.loadSeconds),
                    "--heartbeat-ms", String.valueOf(options.heartbeatMillis),
                    "--join-parallelism", String.valueOf(options.joinParallelism),
                    "--setup-timeout", String.valueOf(options.setupTimeoutSeconds),
                    "--result", result.toString()));
            command.removeIf(String::isEmpty);
            Process sim = new ProcessBuilder(command)
                    .redirectOutput(options.workDir.resolve("sim-" + n + ".out").toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            long limit = options.setupTimeoutSeconds + options.loadSeconds + 240L;
            if (!sim.waitFor(limit, TimeUnit.SECONDS)) {
                log("SimulatedAgents N=%d still running after %d s; stopping it", n, limit);
                sim.destroy();
                if (!sim.waitFor(20, TimeUnit.SECONDS)) {
                    sim.destroyForcibly();
                }
            }
            if (!Files.isRegularFile(result)) {
                rows.add(new Row("N=" + n + ": load test", "SimulatedAgents produced no result (see " + result.getParent()
                        + "/sim-" + n + ".out)", "", "FAILED"));
                return 1;
            }
            addLoadRows(n, JSON.readTree(result.toFile()), rssBefore);
            long errors = countLogLines(dataDir.resolve("data/log/karaf.log"), " ERROR ");
            if (errors > 0) {
                notes.add(String.format(Locale.ROOT, "N=%d: the server logged %d ERROR lines (%s).", n, errors,
                        dataDir.resolve("data/log/karaf.log")));
            }
            return sim.exitValue() == 0 ? 0 : 1;
        } finally {
            server.stop();
        }
    }

    private void addLoadRows(int n, JsonNode r, double rssBefore) {
        String prefix = "N=" + n + ": ";
        int connected = r.path("connected").asInt();
        rows.add(new Row(prefix + "join (token check, CSR signing) + channel",
                String.format(Locale.ROOT, "%d/%d joined in %.1f s = %.1f joins/s (join latency p50 %.2f s, p99 %.2f s; %d retries%s);"
                        + " all channels up after %.1f s", r.path("joined").asInt(), n, r.path("joinSeconds").asDouble(),
                        r.path("joinsPerSecond").asDouble(), r.path("joinLatencyP50Ms").asDouble() / 1000,
                        r.path("joinLatencyP99Ms").asDouble() / 1000, r.path("joinRetries").asInt(),
                        problems(r.path("joinProblems")), r.path("setupSeconds").asDouble()),
                "", connected == n ? "" : "INCOMPLETE"));
        if (!r.has("rttP99Ms")) {
            rows.add(new Row(prefix + "heartbeat round trip", "not measured", "", "FAILED"));
            return;
        }
        double p99 = r.path("rttP99Ms").asDouble();
        boolean targetRow = n == 1000;
        rows.add(new Row(prefix + "heartbeat RTT p50 / p99 / max (" + options.loadSeconds + " s, every "
                + options.heartbeatMillis / 1000.0 + " s)",
                String.format(Locale.ROOT, "%.1f / %.1f / %.1f ms (%d acked of %d sent, %d agents; client send lag p99 %.1f ms)",
                        r.path("rttP50Ms").asDouble(), p99, r.path("rttMaxMs").asDouble(), r.path("heartbeatsAcked").asLong(),
                        r.path("heartbeatsSent").asLong(), connected, r.path("sendLagP99Ms").asDouble()),
                targetRow ? "p99 ≤ 50 ms" : "",
                targetRow ? verdict(p99 <= 50 && connected == n) : ""));
        if (r.path("setupHeartbeatsAcked").asLong() > 0) {
            rows.add(new Row(prefix + "heartbeat RTT p50 / p99 / max while others were still joining",
                    String.format(Locale.ROOT, "%.1f / %.1f / %.1f ms (%d acked)", r.path("setupRttP50Ms").asDouble(),
                            r.path("setupRttP99Ms").asDouble(), r.path("setupRttMaxMs").asDouble(),
                            r.path("setupHeartbeatsAcked").asLong()), "", ""));
        }
        String gc = r.has("serverGcSeconds") ? String.format(Locale.ROOT, "; GC %.0f young + %.0f full, %.2f s",
                r.path("serverYoungGcs").asDouble(), r.path("serverFullGcs").asDouble(), r.path("serverGcSeconds").asDouble())
                : "";
        rows.add(new Row(prefix + "server CPU / RSS in the window",
                String.format(Locale.ROOT, "%.1f %% of one core; RSS %.0f MiB (%.0f before agents, peak %.0f)%s;"
                        + " Ready %s/%d; client JVM %.1f %%", r.path("serverCpuPercent").asDouble(Double.NaN),
                        r.path("serverRssMiB").asDouble(), rssBefore, r.path("serverPeakRssMiB").asDouble(), gc,
                        r.path("serverReadySimulated").asText("?"), n, r.path("clientCpuPercent").asDouble()),
                "", ""));
        JsonNode threads = r.path("serverThreadCpuPercent");
        if (threads.size() > 0) {
            List<String> parts = new ArrayList<>();
            threads.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asText() + " %"));
            notes.add(String.format(Locale.ROOT, "N=%d: server CPU by thread group during the window (%% of one core, from"
                    + " jcmd Thread.print before and after, %.0f s apart): %s.", n,
                    r.path("serverThreadCpuSpanSeconds").asDouble(), String.join(", ", parts)));
        }
        if (r.path("disconnectsInWindow").asLong() > 0 || r.path("serverErrors").asLong() > 0) {
            notes.add(String.format(Locale.ROOT, "N=%d: %d channels dropped during the window, %d error messages from the server %s.",
                    n, r.path("disconnectsInWindow").asLong(), r.path("serverErrors").asLong(), r.path("serverErrorMessages")));
        }
        if (r.path("failed").asInt() > 0) {
            notes.add(String.format(Locale.ROOT, "N=%d: %d agents failed to join or connect: %s", n, r.path("failed").asInt(),
                    r.path("failures")));
        }
    }

    private static String problems(JsonNode problems) {
        if (problems == null || problems.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        problems.fields().forEachRemaining(e -> parts.add(e.getValue().asInt() + "× " + e.getKey()));
        return " after " + String.join(", ", parts);
    }

    /** The class path for the SimulatedAgents JVM: this module's classes or jar plus target/lib/*. */
    private static String childClassPath() {
        try {
            Path here = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path lib = here.getParent().resolve("lib");
            if (Files.isDirectory(lib)) {
                return here + java.io.File.pathSeparator + lib + java.io.File.separator + "*";
            }
        } catch (Exception e) {
            // fall back to this JVM's class path
        }
        return System.getProperty("java.class.path");
    }

    // ---- report ---------------------------------------------------------------------------------

    private String report(ZonedDateTime started, double loadStart, double loadEnd) {
        StringBuilder out = new StringBuilder();
        out.append("Outpost benchmark, ").append(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .append(String.format(Locale.ROOT, " (took %d min)%n", Duration.between(started, ZonedDateTime.now()).toMinutes()));
        out.append(String.format(Locale.ROOT, "Machine: %d cores, %.1f GiB RAM, %s; SHARED with other builds/tests"
                + " (1-min load average %.2f at start, %.2f at end)%n", Runtime.getRuntime().availableProcessors(),
                memTotalGiB(), System.getProperty("os.name") + " " + System.getProperty("os.version"), loadStart, loadEnd));
        out.append("Java: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append("; instances use the launcher's JVM options");
        out.append(options.serverJavaOpts.isBlank() ? ""
                : "; load-test servers also OUTPOST_JAVA_OPTS=\"" + options.serverJavaOpts + "\"");
        out.append(String.format(Locale.ROOT, "; load-test servers --node-timeout %d; SimulatedAgents JVM \"%s\","
                + " join parallelism %d%n", options.loadNodeTimeoutSeconds, options.clientJavaOpts, options.joinParallelism));
        out.append("Medians of ").append(options.runs).append(" runs; sizes in MiB (2^20 bytes); targets read as MiB.\n\n");
        int w1 = "Figure".length();
        int w2 = "Result".length();
        int w3 = "Target".length();
        for (Row row : rows) {
            w1 = Math.max(w1, row.figure().length());
            w2 = Math.max(w2, row.result().length());
            w3 = Math.max(w3, row.target().length());
        }
        String format = "| %-" + w1 + "s | %-" + w2 + "s | %-" + w3 + "s | %-7s |%n";
        out.append(String.format(Locale.ROOT, format, "Figure", "Result", "Target", "Verdict"));
        out.append("|").append("-".repeat(w1 + 2)).append("|").append("-".repeat(w2 + 2)).append("|")
                .append("-".repeat(w3 + 2)).append("|---------|\n");
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, format, row.figure(), row.result(), row.target(), row.verdict()));
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(n -> out.append("- ").append(n).append('\n'));
        }
        return out.toString();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static double memTotalGiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / (1024.0 * 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return Double.NaN;
    }

    private static long countLogLines(Path log, String needle) {
        if (!Files.isRegularFile(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(needle)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench %tT] %s%n", System.currentTimeMillis(), String.format(Locale.ROOT, format, args));
    }
}
