package org.outpost.launcher;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The logic behind {@code bin/outpost}. It validates the command line and prepares the instance
 * directory, then hands the shell script a plan (lines starting after {@code #outpost-exec}) to
 * {@code exec}, so that the started JVM keeps the launcher's PID. Anything else it prints is for
 * the user.
 */
public final class Main {
    static final String PLAN_MARKER = "#outpost-exec";
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?");

    static final String USAGE = """
            Usage: outpost <command> [options]

            Commands:
              server   start a server (cluster CA, embedded store, admin API, local agent)
              agent    start an agent that joins a server
              shell    run an edge: command in a running instance, or open its console
              demo     start a server with its local agent in ./outpost-demo and show what to try
              stop     stop the instance running in a data directory

            Run 'outpost <command> --help' for a command's options.
            """;

    static final String SERVER_USAGE = """
            Usage: outpost server [--data-dir DIR] [--bind ADDR] [--https-port N] [--node-name NAME]
                                  [--labels k=v,...] [--node-timeout SECONDS] [--eviction-timeout SECONDS]
                                  [--max-instances-per-node N] [--runtime docker] [--rest-port N|0|off]
                                  [--restore-backup]

              --data-dir DIR        instance directory: config, state, logs (default ./outpost-data)
              --bind ADDR           address the HTTPS endpoint listens on (default 127.0.0.1)
              --https-port N        HTTPS port for agents and the /v1 admin API (default 6443)
              --node-name NAME      this node's name (default: the host name)
              --labels k=v,...      labels of the server's local agent ('' removes them)
              --node-timeout SECS   seconds without heartbeats before a node is NotReady (default 10)
              --eviction-timeout SECS
                                    seconds a node may stay NotReady before its Deployment replicas
                                    are placed on other nodes (default 30)
              --max-instances-per-node N
                                    workload instances the scheduler places on one node, at least 1
                                    (default 110)
              --runtime docker      also run containers on this node's Docker Engine (DOCKER_HOST or
                                    /var/run/docker.sock); every node runs bundles and features
              --rest-port N|0|off   HTTPS port of this gateway's Kura REST paths (/services/deploy/v2,
                                    /services/configuration/v2, /services/assets) on loopback; default
                                    8443 when free, else a free port; 0 picks a free one at every
                                    start (the URL is in DIR/rest/url)
              --restore-backup      the cluster store is damaged: keep it as server/db/cluster.mv.damaged-<time>
                                    and start from its verified backup (server/db/cluster.mv.bak)

            An option left out keeps the value of the previous start (kept in DIR/etc/*.cfg); defaults
            apply at the first start. A taken HTTPS port stops the start at once.
            Writes the node token to DIR/server/node-token and the admin credential to
            DIR/server/admin-token (both readable by the owner only).
            """;

    static final String AGENT_USAGE = """
            Usage: outpost agent --server URL (--token TOKEN | --token-file FILE) [--data-dir DIR]
                                 [--node-name NAME] [--labels k=v,...] [--runtime docker] [--rest-port N|0|off]
                                 [--retry-join]

              --server URL          the server, e.g. https://127.0.0.1:6443
              --token TOKEN         join token, K10<ca-hash>::server:<secret> (the node token) or
                                    K10<ca-hash>::<id>.<secret> (edge:token create); first join only
              --token-file FILE     read the join token from FILE instead
              --data-dir DIR        instance directory (default ./outpost-data)
              --node-name NAME      this node's name (default: the host name)
              --labels k=v,...      node labels, e.g. site=plant-a,zone=boiler ('' removes them); keys
                                    [prefix/]name, names and values up to 63 of [A-Za-z0-9-_.], at most 64
              --retry-join          when the server refuses the first join (wrong secret, foreign CA,
                                    revoked or expired token), keep trying instead of printing the reason
                                    and exiting with a non-zero status
              --runtime docker      also run containers on this node's Docker Engine (DOCKER_HOST or
                                    /var/run/docker.sock); every node runs bundles and features
              --rest-port N|0|off   HTTPS port of this gateway's Kura REST paths (/services/deploy/v2,
                                    /services/configuration/v2, /services/assets) on loopback; default
                                    8443 when free, else a free port; 0 picks a free one at every
                                    start (the URL is in DIR/rest/url)

            After the first join the node keeps its identity in DIR/agent/ and restarts without a token.
            An option left out keeps the value of the previous start (kept in DIR/etc/*.cfg), --server
            included; defaults apply at the first start.
            """;

    static final String SHELL_USAGE = """
            Usage: outpost shell [--data-dir DIR] [COMMAND [ARGS...]]

            Runs one command (e.g. edge:nodes -o json) in the instance running in DIR and exits with
            its status; without a command, opens the interactive console (Tab completes).
            The console authenticates with DIR/etc/console.key; there is no password.
            """;

    static final String DEMO_USAGE = """
            Usage: outpost demo [--data-dir DIR] [--https-port N] [--rest-port N|0|off] [--restore-backup]

            Starts a server with the embedded store and its local agent in DIR (default ./outpost-demo),
            prints the join token, the admin API URL and the next commands to try. Ctrl-C stops it.
            """;

    static final String STOP_USAGE = """
            Usage: outpost stop [--data-dir DIR]

            Stops the instance running in DIR (default ./outpost-data) and waits for it to exit.
            """;

    private static final List<String> COMMANDS = List.of("agent", "demo", "server", "shell", "stop");

    private final Path home;
    private final PrintStream out;

    Main(Path home, PrintStream out) {
        this.home = home;
        this.out = out;
    }

    public static void main(String[] args) {
        Path home = Paths.get(System.getProperty("outpost.home", ".")).toAbsolutePath().normalize();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try {
            System.exit(new Main(home, out).run(Arrays.asList(args)));
        } catch (UsageException e) {
            System.err.println("outpost: " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("outpost: " + e.getMessage());
            System.exit(1);
        }
    }

    int run(List<String> args) throws UsageException, IOException {
        if (args.isEmpty() || isHelp(args.get(0))) {
            out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        switch (args.get(0)) {
            case "server":
                return server(rest, false);
            case "demo":
                return server(rest, true);
            case "agent":
                return agent(rest);
            case "shell":
                return shell(rest);
            case "stop":
                return stop(rest);
            default:
                throw new UsageException("unknown command '" + args.get(0) + "'"
                        + Suggestions.closest(args.get(0), COMMANDS).map(c -> "; did you mean " + c + "?").orElse("")
                        + " (try: outpost --help)");
        }
    }

    private int server(List<String> args, boolean demo) throws UsageException, IOException {
        if (args.stream().anyMatch(Main::isHelp)) {
            out.print(demo ? DEMO_USAGE : SERVER_USAGE);
            return 0;
        }
        Set<String> valued = demo ? Set.of("data-dir", "https-port", "node-name", "rest-port")
                : Set.of("data-dir", "bind", "https-port", "node-name", "labels", "node-timeout", "eviction-timeout", "runtime",
                        "rest-port", "max-instances-per-node");
        Arguments a = Arguments.parse(args, valued, Set.of(StoreRestore.OPTION), false);
        noPositional(a);
        Instance instance = new Instance(home, Path.of(a.get("data-dir", demo ? "outpost-demo" : "outpost-data")));
        refuseIfRunning(instance);
        if (a.has(StoreRestore.OPTION)) {
            // on stderr: stdout carries the exec plan to bin/outpost and must start with it
            StoreRestore.restore(instance, System.err, java.time.Clock.systemDefaultZone());
        }
        RecordedOptions options = new RecordedOptions(a, instance.etc());
        String bind = options.value("bind", "127.0.0.1");
        int port = port(options.value("https-port", "6443"));
        String nodeName = nodeName(options.value("node-name", null));
        String labels = Labels.check(options.value("labels", ""));
        String runtimeList = runtimes(options.value("runtime", ""));
        String timeout = options.value("node-timeout", "10");
        if (!timeout.matches("\\d{1,5}") || Integer.parseInt(timeout) < 1) {
            throw new UsageException("--node-timeout must be a whole number of seconds, at least 1");
        }
        String eviction = options.value("eviction-timeout", "30");
        if (!eviction.matches("\\d{1,6}") || Integer.parseInt(eviction) < 1) {
            throw new UsageException("--eviction-timeout must be a whole number of seconds, at least 1");
        }
        String maxInstances = options.value("max-instances-per-node", null);
        if (maxInstances != null && (!maxInstances.matches("\\d{1,6}") || Integer.parseInt(maxInstances) < 1)) {
            throw new UsageException("--max-instances-per-node must be a whole number from 1 to 999999, got '" + maxInstances + "'");
        }
        ListenCheck.requireFree(bind, port);
        instance.prepare();
        instance.ownerOnlyDirectory("server");
        instance.ownerOnlyDirectory("agent");
        Map<String, String> node = new LinkedHashMap<>();
        node.put("nodeName", nodeName);
        node.put("role", "server");
        node.put("dataDir", instance.dir().toString());
        node.put("labels", labels);
        node.put("runtimes", runtimeList);
        instance.configure("org.outpost.node", node);
        instance.configure("org.outpost.server", Map.of(
                "bindAddress", bind,
                "httpsPort", String.valueOf(port),
                "nodeTimeoutSeconds", timeout,
                "demo", String.valueOf(demo)));
        Map<String, String> scheduler = new LinkedHashMap<>();
        scheduler.put("evictionTimeoutSeconds", eviction);
        if (maxInstances != null) {
            scheduler.put("maxInstancesPerNode", maxInstances);
        }
        instance.configure("org.outpost.scheduler", scheduler);
        if (Files.exists(instance.etc().resolve("org.outpost.agent.cfg"))) {
            // the local agent of a node that was an agent before: its own server never sends it away
            instance.configure("org.outpost.agent", Map.of("exitOnJoinRefusal", "false"));
        }
        configureRest(instance, a.get("rest-port"));
        if (demo) {
            DemoDevices.addOnce(instance);
        }
        return startKaraf(instance, demo);
    }

    /**
     * {@code --rest-port N|off}: the port of the gateway's Kura REST paths. Without the option what
     * was recorded earlier stays (a port, 0, or off), else 8443 when it is free, else any free
     * port. 0 lets the gateway pick a free port whenever it starts, which leaves no gap between
     * choosing the port and binding it.
     */
    static void configureRest(Instance instance, String option) throws UsageException, IOException {
        boolean recordedOff = "false".equals(CfgFile.get(instance.etc().resolve("org.outpost.kura.rest.cfg"), "enabled"));
        if ("off".equals(option) || option == null && recordedOff) {
            instance.configure("org.outpost.kura.rest", Map.of("enabled", "false"));
            return;
        }
        int port;
        if (option == null) {
            port = instance.restPort();
        } else if (option.equals("0")) {
            port = 0;
        } else {
            try {
                port = port(option);
            } catch (UsageException e) {
                throw new UsageException("--rest-port must be a port from 1 to 65535, 0 for any free port, or off; got '" + option + "'");
            }
        }
        instance.configure("org.outpost.kura.rest", Map.of("enabled", "true", "port", String.valueOf(port)));
    }

    /** {@code --runtime}: the container runtimes a node adds to the bundle runtime it always has. */
    static String runtimes(String option) throws UsageException {
        if (option.isBlank() || option.equals("bundle")) {
            return "";
        }
        if (!option.equals("docker")) {
            throw new UsageException("--runtime must be docker (bundles and features run on every node), got '" + option + "'");
        }
        return option;
    }

    private int agent(List<String> args) throws UsageException, IOException {
        if (args.stream().anyMatch(Main::isHelp)) {
            out.print(AGENT_USAGE);
            return 0;
        }
        Arguments a = Arguments.parse(args,
                Set.of("server", "token", "token-file", "data-dir", "node-name", "labels", "runtime", "rest-port"),
                Set.of("retry-join"), false);
        noPositional(a);
        if (a.has("token") && a.has("token-file")) {
            throw new UsageException("give either --token or --token-file, not both");
        }
        if (a.has("token")) {
            JoinTokenSyntax.check(a.get("token"), "--token");
        }
        Instance instance = new Instance(home, Path.of(a.get("data-dir", "outpost-data")));
        refuseIfRunning(instance);
        RecordedOptions options = new RecordedOptions(a, instance.etc());
        // the server and token of an earlier agent start; a node that was a server has only its own
        boolean wasAgent = "agent".equals(CfgFile.get(instance.etc().resolve("org.outpost.node.cfg"), "role"));
        String server = wasAgent ? options.value("server", null) : a.get("server");
        if (server == null) {
            throw new UsageException("agent needs --server https://HOST:PORT");
        }
        serverUrl(server);
        String nodeName = nodeName(options.value("node-name", null));
        String labels = Labels.check(options.value("labels", ""));
        String runtimeList = runtimes(options.value("runtime", ""));
        boolean hasIdentity = Files.isRegularFile(instance.dir().resolve("agent/node.crt"));
        Path tokenFile = null;
        if (a.has("token-file")) {
            tokenFile = Path.of(a.get("token-file")).toAbsolutePath().normalize();
            if (!Files.isReadable(tokenFile)) {
                throw new UsageException("cannot read token file " + tokenFile);
            }
        } else if (wasAgent && !a.has("token")) {
            String recorded = options.recorded("token-file");
            tokenFile = recorded == null || recorded.isEmpty() || !Files.isReadable(Path.of(recorded)) ? null : Path.of(recorded);
        }
        if (!a.has("token") && tokenFile == null && !hasIdentity) {
            throw new UsageException("first join needs --token or --token-file (no node identity in "
                    + instance.dir().resolve("agent") + ")");
        }
        if (tokenFile != null && !hasIdentity) {
            JoinTokenSyntax.check(JoinTokenSyntax.read(tokenFile), "the token in " + tokenFile);
        }
        instance.prepare();
        instance.ownerOnlyDirectory("agent");
        if (a.has("token")) {
            tokenFile = instance.dir().resolve("agent/join-token");
            Instance.writeOwnerOnly(tokenFile, a.get("token").trim() + "\n");
        }
        Map<String, String> node = new LinkedHashMap<>();
        node.put("nodeName", nodeName);
        node.put("role", "agent");
        node.put("dataDir", instance.dir().toString());
        node.put("labels", labels);
        node.put("runtimes", runtimeList);
        instance.configure("org.outpost.node", node);
        Map<String, String> agent = new LinkedHashMap<>();
        agent.put("serverUrl", server);
        agent.put("tokenFile", tokenFile == null ? "" : tokenFile.toString());
        // a refused first join ends the node (a supervisor shows the failure) unless asked to retry
        agent.put("exitOnJoinRefusal", String.valueOf(!a.has("retry-join")));
        instance.configure("org.outpost.agent", agent);
        configureRest(instance, a.get("rest-port"));
        return startKaraf(instance, false);
    }

    private int shell(List<String> args) throws UsageException, IOException {
        if (!args.isEmpty() && isHelp(args.get(0))) {
            out.print(SHELL_USAGE);
            return 0;
        }
        Arguments a = Arguments.parse(args, Set.of("data-dir"), Set.of(), true);
        Instance instance = new Instance(home, Path.of(a.get("data-dir", "outpost-data")));
        long pid = runningPid(instance, "shell");
        List<String> client = new ArrayList<>(List.of(
                home.resolve("bin/client").toString(), "-a", String.valueOf(instance.consolePort()),
                "-h", "127.0.0.1", "-u", Instance.CONSOLE_USER, "-k", instance.consoleKey().toString(), "-r", "3"));
        awaitConsole(instance.consolePort(), pid);
        StringBuilder plan = new StringBuilder();
        plan.append("export KARAF_BASE=").append(quote(instance.dir().toString())).append('\n');
        if (a.positional().isEmpty()) {
            plan.append("exec ").append(join(client)).append('\n');
        } else {
            // One command: the client's own retry notices are dropped and, unless stdout is a terminal,
            // so are colour codes, leaving the command's output (and its exit status) for scripts.
            // A "Command not found" line is also kept aside: the console's command list then gives
            // the closest command.
            client.add("-b");
            Path missing = instance.dir().resolve("data/tmp/shell-missing-command");
            plan.append("set -o pipefail\n");
            plan.append("if [ -t 1 ]; then strip=''; else strip='s/\\x1b\\[[0-9;]*[A-Za-z]//g'; fi\n");
            plan.append("missing=").append(quote(missing.toString())).append(".$$\n");
            plan.append("printf '%s\\n' ").append(quote(consoleLine(withAbsoluteFiles(a.positional(), Path.of("").toAbsolutePath()))))
                    .append(" | ").append(join(client))
                    .append(" | sed -u -e '/^retrying (attempt [0-9]*) \\.\\.\\.$/d' -e \"$strip\" -e \"/Command not found: /w $missing\"\n");
            plan.append("status=$?\n");
            plan.append("if [ -s \"$missing\" ]; then\n");
            plan.append("    printf '%s\\n' 'echo $.commands' | ").append(join(client)).append(" 2>/dev/null")
                    .append(" | \"$JAVA_HOME/bin/java\" -XX:TieredStopAtLevel=1 -cp ")
                    .append(quote(home.resolve("lib/launcher/outpost-launcher.jar").toString()))
                    .append(" org.outpost.launcher.Suggestions \"$missing\" >&2\n");
            plan.append("fi\n");
            plan.append("rm -f \"$missing\"\n");
            plan.append("exit $status\n");
        }
        emitPlan(plan);
        return 0;
    }

    /** A freshly started instance opens its console a few seconds after the JVM starts. */
    private static void awaitConsole(int port, long pid) throws UsageException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                    throw new UsageException("the console of instance " + pid + " does not answer on port " + port);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new UsageException("interrupted while waiting for the console");
                }
            }
        }
    }

    private int stop(List<String> args) throws UsageException, IOException {
        if (args.stream().anyMatch(Main::isHelp)) {
            out.print(STOP_USAGE);
            return 0;
        }
        Arguments a = Arguments.parse(args, Set.of("data-dir"), Set.of(), false);
        noPositional(a);
        Instance instance = new Instance(home, Path.of(a.get("data-dir", "outpost-data")));
        long pid = runningPid(instance, "stop");
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IOException("instance " + pid + " has just ended"));
        process.destroy();
        try {
            process.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("instance " + pid + " did not stop within 60 s");
        }
        out.println("stopped instance " + pid + " in " + instance.dir());
        return 0;
    }

    /**
     * Execs the node JVM directly rather than through {@code bin/karaf}: Karaf's script patches
     * {@code java.base} and {@code java.xml} with {@code --patch-module}, which switches off the
     * JDK's class-data sharing (about 12 MiB more metaspace per node and a slower start), and it
     * runs {@code java -version} before every start. Outpost needs neither; the options kept are
     * the ones Karaf's bundles rely on.
     */
    private int startKaraf(Instance instance, boolean demo) throws IOException {
        Path base = instance.dir();
        Path data = base.resolve("data");
        instance.ownerOnlyDirectory("data/tmp");
        // a node restarted after Outpost was rebuilt or upgraded runs the new bundles, not the cached ones
        CachedBundles.refresh(home, data);
        StringBuilder plan = new StringBuilder();
        // glibc gives every thread its own malloc arena; two are plenty for an idle node
        plan.append("export MALLOC_ARENA_MAX=2\n");
        // what the node writes (its logs, store, keys, PID file) is its owner's only, whatever the user's umask
        plan.append("umask 077\n");
        String classPath = karafClassPath();
        plan.append("exec \"$JAVA_HOME/bin/java\" ").append(jvmOptions());
        if (!"off".equals(System.getenv("OUTPOST_CLASS_ARCHIVE"))) {
            for (String option : new ClassArchive(data, Path.of(System.getProperty("java.home")), classPath).jvmOptions()) {
                plan.append(' ').append(quote(option));
            }
        }
        String extra = System.getenv().getOrDefault("OUTPOST_JAVA_OPTS", "").trim();
        if (!extra.isEmpty()) {
            plan.append(' ').append(extra); // word-split on purpose, as JAVA_OPTS are
        }
        for (String option : KARAF_JAVA_OPTIONS) {
            plan.append(' ').append(option);
        }
        // the cluster store exits a node started as a server when its file is damaged (not during a role switch)
        systemProperty(plan, "outpost.startRole", String.valueOf(CfgFile.get(instance.etc().resolve("org.outpost.node.cfg"), "role")));
        systemProperty(plan, "karaf.home", home.toString());
        systemProperty(plan, "karaf.instances", base.resolve("instances").toString());
        systemProperty(plan, "karaf.base", base.toString());
        systemProperty(plan, "karaf.data", data.toString());
        systemProperty(plan, "karaf.etc", instance.etc().toString());
        systemProperty(plan, "karaf.log", data.resolve("log").toString());
        systemProperty(plan, "java.io.tmpdir", data.resolve("tmp").toString());
        systemProperty(plan, "java.util.logging.config.file", instance.etc().resolve("java.util.logging.properties").toString());
        plan.append(" -classpath ").append(quote(classPath));
        plan.append(" org.apache.karaf.main.Main\n");
        emitPlan(plan);
        return 0;
    }

    /** What Karaf's own start script passes besides {@code --patch-module}, for a daemon without a local console. */
    private static final List<String> KARAF_JAVA_OPTIONS = List.of(
            "--add-reads=java.xml=java.logging",
            "--add-opens", "java.base/java.security=ALL-UNNAMED",
            "--add-opens", "java.base/java.net=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
            "-Dkaraf.startLocalConsole=false",
            "-Dkaraf.startRemoteShell=true",
            "-Dkaraf.restart.jvm.supported=false");

    private String karafClassPath() throws IOException {
        List<String> entries = new ArrayList<>();
        for (String dir : List.of("lib/boot", "lib/jdk9plus")) {
            try (Stream<Path> jars = Files.list(home.resolve(dir))) {
                jars.filter(jar -> jar.toString().endsWith(".jar")).sorted().forEach(jar -> entries.add(jar.toString()));
            }
        }
        // the locator that Karaf's script patches into java.base; on the class path it serves lib/boot's spec activator
        try (Stream<Path> jars = Files.list(home.resolve("lib/endorsed"))) {
            jars.filter(jar -> jar.getFileName().toString().startsWith("org.apache.karaf.specs.locator-"))
                    .forEach(jar -> entries.add(jar.toString()));
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void systemProperty(StringBuilder plan, String name, String value) {
        plan.append(" -D").append(name).append('=').append(quote(value));
    }

    /**
     * Small heap, serial GC and C1 only: an edge node idles at a fraction of Karaf's defaults.
     * The young generation is capped at 6 MiB: every page of it is touched between collections,
     * so its size is resident memory, while collecting a small young generation takes a few
     * milliseconds. Netty's pooled allocator gets one heap and one direct arena with 1 MiB chunks
     * instead of two per core with 4 MiB ones. After an OutOfMemoryError the JVM exits rather than
     * run on with dead threads: the service manager or the user starts it again.
     */
    static String jvmOptions() {
        return "-Xms16m -Xmx192m -XX:MaxNewSize=6m -XX:+UseSerialGC -XX:MaxMetaspaceSize=128m -Xss512k -XX:+ExitOnOutOfMemoryError"
                + " -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=24m"
                + " -Dio.netty.allocator.maxOrder=7 -Dio.netty.allocator.numHeapArenas=1 -Dio.netty.allocator.numDirectArenas=1"
                + " -Dorg.apache.sshd.security.provider.BC.enabled=false";
    }

    private void emitPlan(StringBuilder plan) {
        out.print(PLAN_MARKER + "\n" + plan);
    }

    /** The instance's PID, or a message that says where instances do run. */
    private long runningPid(Instance instance, String command) throws UsageException, IOException {
        Optional<Long> pid = instance.runningPid();
        if (pid.isPresent()) {
            return pid.get();
        }
        Path workingDirectory = Path.of("").toAbsolutePath();
        String program = System.getenv().getOrDefault("OUTPOST_COMMAND", "outpost");
        throw new UsageException(RunningInstances.noInstanceMessage(instance.dir(), RunningInstances.under(home, workingDirectory),
                workingDirectory, program + " " + command));
    }

    private static void refuseIfRunning(Instance instance) throws IOException, UsageException {
        Optional<Long> pid = instance.runningPid();
        if (pid.isPresent()) {
            throw new UsageException("an Outpost instance is already running in " + instance.dir() + " (pid " + pid.get() + ")");
        }
    }

    private static void noPositional(Arguments a) throws UsageException {
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
    }

    static int port(String value) throws UsageException {
        if (!value.matches("\\d{1,5}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 65535) {
            throw new UsageException("port must be a number from 1 to 65535, got '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    static String nodeName(String given) throws UsageException {
        String name = given;
        if (name == null) {
            name = hostName().toLowerCase(Locale.ROOT).replaceAll("[^-a-z0-9.]", "-");
        }
        if (!NODE_NAME.matcher(name).matches()) {
            throw new UsageException("node name '" + name + "' is not valid: use lower-case letters, digits, '-' and '.',"
                    + " starting and ending with a letter or digit, at most 63 characters");
        }
        return name;
    }

    static void serverUrl(String value) throws UsageException {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--server '" + value + "' is not a URL");
        }
        if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new UsageException("--server must be an https URL such as https://127.0.0.1:6443, got '" + value + "'");
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName().split("\\.")[0];
        } catch (IOException e) {
            return "outpost";
        }
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }

    /** Joins words for the Karaf console, quoting those the console would split or interpret. */
    /**
     * The console runs in the node's JVM, whose working directory is not the user's: a relative
     * {@code -f FILE} is made absolute here, where the user typed it.
     */
    static List<String> withAbsoluteFiles(List<String> words, Path workingDirectory) {
        List<String> result = new ArrayList<>(words);
        for (int i = 0; i + 1 < result.size(); i++) {
            String word = result.get(i);
            if ((word.equals("-f") || word.equals("--filename")) && !Path.of(result.get(i + 1)).isAbsolute()) {
                result.set(i + 1, workingDirectory.resolve(result.get(i + 1)).normalize().toString());
            }
        }
        return result;
    }

    static String consoleLine(List<String> words) {
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            if (line.length() > 0) {
                line.append(' ');
            }
            if (word.matches("[-A-Za-z0-9_.:/=,+@%]+")) {
                line.append(word);
            } else {
                line.append('"').append(word.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return line.toString();
    }

    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static String join(List<String> words) {
        StringBuilder s = new StringBuilder();
        for (String w : words) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(quote(w));
        }
        return s.toString();
    }
}
