package org.outpost.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.itests.OutpostProcesses.await;
import static org.outpost.itests.OutpostProcesses.awaitValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.itests.OutpostProcesses.Node;
import org.outpost.itests.OutpostProcesses.Result;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code ./outpost} at the door, as a user and a service manager meet it: a restart keeps what a
 * node is, bad input and a taken port stop at once with the next step named, and a node started
 * under a careless umask still keeps its files to itself, listens on its own ports only and
 * exits on an OutOfMemoryError.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LauncherE2EIT {
    @TempDir
    static Path work;
    private OutpostProcesses outpost;
    private int port;
    private Node server;
    private String nodeToken;

    @BeforeAll
    void startServerUnderUmask000() throws Exception {
        outpost = new OutpostProcesses(work);
        port = OutpostProcesses.freePort();
        // a node-timeout of 2 s: a stopped agent is NotReady soon, so Ready again proves its new hello arrived
        server = startUnderUmask000("srv", "server", "--data-dir", outpost.dir("srv").toString(), "--bind", "127.0.0.1",
                "--https-port", String.valueOf(port), "--node-name", "srv", "--node-timeout", "2", "--rest-port", "0");
        Path tokenFile = outpost.dir("srv").resolve("server/node-token");
        await("node token", Duration.ofSeconds(90), () -> Files.isRegularFile(tokenFile));
        outpost.awaitConsole(server);
        nodeToken = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
    }

    @AfterAll
    void stop() throws InterruptedException {
        outpost.close();
        if (server != null && server.process().isAlive()) {
            server.process().destroy();
            if (!server.process().waitFor(30, TimeUnit.SECONDS)) {
                server.process().destroyForcibly();
            }
        }
    }

    /** {@code bash -c 'umask 000; exec ./outpost ...'}: what a careless environment hands the launcher. */
    private Node startUnderUmask000(String name, String... args) throws IOException {
        Files.createDirectories(work);
        Path output = work.resolve(name + "-umask.out");
        List<String> command = new ArrayList<>(List.of("bash", "-c", "umask 000; exec bash \"$0\" \"$@\"",
                outpost.repo.resolve("outpost").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        process.getOutputStream().close();
        return new Node(name, outpost.dir(name), process, output);
    }

    @Test
    void aRestartedAgentKeepsItsLabelsUntilTheyAreGivenAgain() throws Exception {
        Node first = outpost.agent("gw-1", port, "--token", nodeToken, "--labels", "a=1,b=2");
        awaitValue("gw-1 Ready", Duration.ofSeconds(90), outpost.statusOf(server, "gw-1"), "Ready"::equals);
        assertEquals(Map.of("a", "1", "b", "2"), labelsOnServer("gw-1"));

        Result stopped = outpost.run(Duration.ofSeconds(90), "stop", "--data-dir", outpost.dir("gw-1").toString());
        assertEquals(0, stopped.exitCode(), stopped.output());
        // the first stop writes the class-data archive; its ~1,500 warnings are not for the terminal
        assertFalse(first.output().contains("[cds]"), first.output().lines().filter(l -> l.contains("[cds]")).limit(3).toList()
                .toString());
        Path cdsLog = outpost.dir("gw-1").resolve("data/outpost.jsa.log");
        assertTrue(Files.readString(cdsLog).contains("[cds]"), "the archive's warnings are in " + cdsLog);
        awaitValue("gw-1 NotReady while stopped", Duration.ofSeconds(30), outpost.statusOf(server, "gw-1"), "NotReady"::equals);

        // as a service unit or a person restarts it after a crash: the data directory and nothing else
        Node second = outpost.start("gw-1", List.of("agent", "--data-dir", outpost.dir("gw-1").toString()));
        awaitValue("gw-1 Ready again", Duration.ofSeconds(90), outpost.statusOf(server, "gw-1"), "Ready"::equals);
        assertEquals(Map.of("a", "1", "b", "2"), labelsOnServer("gw-1"), "the server keeps them");
        Path nodeCfg = outpost.dir("gw-1").resolve("etc/org.outpost.node.cfg");
        assertTrue(Files.readAllLines(nodeCfg).contains("labels = a=1,b=2"), Files.readString(nodeCfg));
        assertTrue(Files.readAllLines(nodeCfg).contains("nodeName = gw-1"), Files.readString(nodeCfg));

        // given again, the option changes what the node is: an empty --labels removes them
        assertEquals(0, outpost.run(Duration.ofSeconds(90), "stop", "--data-dir", outpost.dir("gw-1").toString()).exitCode());
        assertFalse(second.process().isAlive());
        awaitValue("gw-1 NotReady while stopped", Duration.ofSeconds(30), outpost.statusOf(server, "gw-1"), "NotReady"::equals);
        outpost.start("gw-1", List.of("agent", "--data-dir", outpost.dir("gw-1").toString(), "--labels", ""));
        awaitValue("gw-1 Ready without labels", Duration.ofSeconds(90), outpost.statusOf(server, "gw-1"), "Ready"::equals);
        assertTrue(Files.readAllLines(nodeCfg).contains("labels = "), Files.readString(nodeCfg));
        assertEquals(Map.of(), labelsOnServer("gw-1"));
    }

    private Map<String, String> labelsOnServer(String nodeName) throws Exception {
        for (JsonNode node : outpost.nodes(server)) {
            if (node.path("name").asText().equals(nodeName)) {
                Map<String, String> labels = new LinkedHashMap<>();
                node.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                return labels;
            }
        }
        throw new AssertionError(nodeName + " is not listed");
    }

    @Test
    void aTakenHttpsPortStopsDemoAndServerAtOnceWithTheOptionToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(OutpostProcesses.freePort(), 50, InetAddress.getLoopbackAddress())) {
            int takenPort = taken.getLocalPort();
            for (String command : List.of("demo", "server")) {
                long started = System.nanoTime();
                Result result = outpost.run(Duration.ofSeconds(60), command, "--data-dir", outpost.dir("taken-" + command).toString(),
                        "--https-port", String.valueOf(takenPort));
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertNotEquals(0, result.exitCode(), result.output());
                assertTrue(result.output().contains("outpost: port " + takenPort + " is in use; choose another with --https-port"),
                        result.output());
                assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, command + " took " + took);
                assertFalse(Files.exists(outpost.dir("taken-" + command).resolve("karaf.pid")), "no JVM was started");
            }
        }
    }

    @Test
    void badInputStopsAtArgumentCheckingAndNamesWhatIsExpected() throws Exception {
        Result token = outpost.run(Duration.ofSeconds(60), "agent", "--server", "https://127.0.0.1:" + port, "--token", "hello",
                "--data-dir", outpost.dir("bad-token").toString());
        assertEquals(2, token.exitCode(), token.output());
        assertTrue(token.output().contains("outpost: --token is not a join token; a join token looks like"
                + " K10<64 hex digits>::server:<secret>"), token.output());
        assertFalse(token.output().contains("hello"), "the token is not repeated: " + token.output());
        assertFalse(Files.exists(outpost.dir("bad-token").resolve("etc")), "nothing was prepared");

        Result option = outpost.run(Duration.ofSeconds(60), "server", "--https-prot", "7443");
        assertEquals(2, option.exitCode(), option.output());
        assertTrue(option.output().contains("outpost: unknown option --https-prot; did you mean --https-port?"), option.output());

        Result label = outpost.run(Duration.ofSeconds(60), "agent", "--server", "https://127.0.0.1:" + port, "--token", nodeToken,
                "--data-dir", outpost.dir("bad-label").toString(), "--labels", "zone=" + "x".repeat(600));
        assertEquals(2, label.exitCode(), label.output());
        assertTrue(label.output().contains("the value must be empty or 1 to 63 letters"), label.output());
    }

    @Test
    void theShellNamesWhereInstancesRunAndTheClosestCommand() throws Exception {
        Result none = outpost.run(Duration.ofSeconds(60), "shell", "--data-dir", "nothing-here", "edge:nodes");
        assertEquals(2, none.exitCode(), none.output());
        assertTrue(none.output().contains("outpost: no Outpost instance is running in " + work.resolve("nothing-here")), none.output());
        assertTrue(none.output().contains("./srv (pid " + server.pid() + ")"), none.output());
        assertTrue(none.output().matches("(?s).*use \\S*outpost shell --data-dir \\S+ \\.\\.\\..*"), none.output());

        Result typo = outpost.shell(server, "edge:nodez");
        assertNotEquals(0, typo.exitCode(), typo.output());
        assertTrue(typo.output().contains("Command not found: edge:nodez"), typo.output());
        assertTrue(typo.output().contains("outpost: did you mean edge:nodes?"), typo.output());
        Result fine = outpost.shell(server, "edge:nodes");
        assertEquals(0, fine.exitCode(), fine.output());
        assertFalse(fine.output().contains("did you mean"), fine.output());
    }

    @Test
    void aNodeStartedUnderUmask000KeepsItsFilesListensOnItsOwnPortsOnlyAndExitsOnOutOfMemory() throws Exception {
        Path dir = outpost.dir("srv");
        for (String owned : List.of("etc", "data", "server", "agent", "deploy", "server/db")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(owned))), owned);
        }
        List<String> exposed = new ArrayList<>();
        for (String tree : List.of("etc", "server", "agent", "data/log")) {
            try (Stream<Path> files = Files.walk(dir.resolve(tree))) {
                // certificates are public on purpose (0644), behind their 0700 directories
                files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".crt"))
                        .filter(f -> !permissions(f).endsWith("------"))
                        .forEach(f -> exposed.add(dir.relativize(f) + " " + permissions(f)));
            }
        }
        assertEquals(List.of(), exposed, "files others may read or write");

        // no shutdown port: the node listens on its HTTPS port, its console and its Kura REST port, nothing else
        assertFalse(Files.exists(dir.resolve("data/port")), "Karaf wrote a shutdown port");
        Set<Integer> expected = Set.of(port, consolePort(dir),
                URI.create(Files.readString(dir.resolve("rest/url")).trim()).getPort());
        awaitValue("the node's listeners", Duration.ofSeconds(30), () -> listeningPorts(server.pid()), expected::equals);

        String commandLine = Files.readString(Path.of("/proc/" + server.pid() + "/cmdline")).replace('\0', ' ');
        assertTrue(commandLine.contains(" -XX:+ExitOnOutOfMemoryError "), commandLine);
    }

    @Test
    void theConsoleBannerNamesOutpostAndItsCommands() throws Exception {
        Path shipped = Path.of(System.getProperty("outpost.distribution")).resolve("etc/branding.properties");
        java.util.Properties branding = new java.util.Properties();
        try (var in = Files.newInputStream(shipped)) {
            branding.load(in);
        }
        String welcome = branding.getProperty("welcome");
        assertTrue(welcome.contains("Outpost 0.1.0") && welcome.contains("edge:"), welcome);
        assertFalse(welcome.contains("Apache Karaf\u001B"), "not stock Karaf's banner: " + welcome);
        assertEquals(Files.readString(shipped), Files.readString(outpost.dir("srv").resolve("etc/branding.properties")),
                "each instance's console shows it");
    }

    private static String permissions(Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int consolePort(Path dir) throws IOException {
        for (String line : Files.readAllLines(dir.resolve("etc/org.apache.karaf.shell.cfg"))) {
            if (line.matches("\\s*sshPort\\s*=\\s*\\d+\\s*")) {
                return Integer.parseInt(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no console port recorded");
    }

    /** The TCP ports a process listens on: its socket inodes matched against the kernel's listening sockets. */
    private static Set<Integer> listeningPorts(long pid) {
        try {
            Set<String> inodes = new HashSet<>();
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                for (Path fd : (Iterable<Path>) fds::iterator) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException e) {
                        // the descriptor was closed meanwhile
                    }
                }
            }
            Set<Integer> ports = new HashSet<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                for (String line : Files.readAllLines(Path.of(table)).subList(1, Files.readAllLines(Path.of(table)).size())) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields[3].equals("0A") && inodes.contains(fields[9])) { // 0A: LISTEN
                        String local = fields[1];
                        ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
                    }
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
