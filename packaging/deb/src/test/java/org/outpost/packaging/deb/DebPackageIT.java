package org.outpost.packaging.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The built {@code outpost_<version>_all.deb}: its control data and contents through dpkg-deb,
 * its maintainer scripts against a scratch root, its unit file through systemd-analyze, and the
 * installed tree itself - extracted with {@code dpkg-deb -x}, a server and an agent started
 * through {@code bin/outpost-service} as outpost.service starts them, then an upgrade over the
 * running installation's files that the agent survives with its identity. Nothing is installed
 * into this machine. The steps build on each other, so they run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebPackageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JAVA_17_RUNTIME = "default-jre-headless (>= 2:1.17) | openjdk-17-jre-headless | java17-runtime-headless";
    private static final String CONFFILE = "/etc/default/outpost";
    private static final int EX_CONFIG = 78;
    /** One line of {@code dpkg-deb -c} or {@code tar -tv}: mode, owner, size, date, time, name. */
    private static final Pattern LISTING_LINE = Pattern.compile("^(\\S+)\\s+(\\S+)\\s+(\\d+)\\s+\\S+\\s+\\S+\\s+(.+)$");

    @TempDir
    static Path work;

    private final Path deb = Path.of(System.getProperty("outpost.deb", "target/outpost_0.1.0_all.deb")).toAbsolutePath();
    private final String version = System.getProperty("outpost.version", "0.1.0");
    private Commands commands;
    private ServiceProcesses processes;
    private Path root;
    private Path install;
    private Path service;
    private Path controlDir;

    // the running cluster, shared by the last steps
    private Path serverDir;
    private Path agentDir;
    private int httpsPort;
    private ServiceProcesses.Node server;
    private ServiceProcesses.Node agent;

    @BeforeAll
    void extractPackage() throws Exception {
        commands = new Commands(work.resolve("scratch"));
        processes = new ServiceProcesses(work.resolve("logs"));
        assertTrue(Files.isRegularFile(deb), "no package at " + deb + " (mvn package builds it)");
        for (String tool : List.of("dpkg-deb", "tar", "sh")) {
            if (which(tool).isEmpty()) {
                throw new AssertionError(tool + " is needed to check the package: apt-get install dpkg tar dash");
            }
        }
        root = work.resolve("root");
        commands.run("dpkg-deb", "-x", deb.toString(), root.toString()).expectSuccess();
        install = root.resolve("opt/outpost");
        service = install.resolve("bin/outpost-service");
        controlDir = work.resolve("control");
        commands.run("dpkg-deb", "-e", deb.toString(), controlDir.toString()).expectSuccess();
    }

    @AfterAll
    void stopNodes() {
        if (processes != null) {
            processes.close();
        }
    }

    @Test
    @Order(1)
    void controlDataNamesPackageVersionArchitectureAndJava17Runtime() throws Exception {
        Map<String, String> fields = controlFields(
                commands.run("dpkg-deb", "-f", deb.toString(), "Package", "Version", "Architecture", "Depends").expectSuccess().stdout());
        assertEquals("outpost", fields.get("Package"));
        assertEquals(version, fields.get("Version"));
        assertEquals("all", fields.get("Architecture"));
        List<String> depends = Arrays.stream(fields.get("Depends").split(",")).map(String::trim).toList();
        assertTrue(depends.contains(JAVA_17_RUNTIME), "Depends: " + fields.get("Depends"));

        String info = commands.run("dpkg-deb", "--info", deb.toString()).expectSuccess().stdout();
        for (String member : List.of("control", "conffiles", "md5sums", "postinst", "prerm", "postrm")) {
            assertTrue(Pattern.compile("(?m)^\\s+\\d+ bytes,\\s+\\d+ lines\\s+\\*?\\s+" + member + "\\s").matcher(info).find(),
                    member + " missing from the control archive:\n" + info);
        }
        assertEquals(CONFFILE + "\n", commands.run("dpkg-deb", "--info", deb.toString(), "conffiles").expectSuccess().stdout());
    }

    @Test
    @Order(2)
    void contentsAreTheDistributionWithItsModesPlusServiceFiles() throws Exception {
        Map<String, String[]> packaged = listing(commands.run("dpkg-deb", "--contents", deb.toString()).expectSuccess().stdout());
        Path tarball = Path.of(System.getProperty("outpost.distribution.tarball", ""));
        assertTrue(Files.isRegularFile(tarball), "the distribution tarball is not at '" + tarball + "'");
        Map<String, String[]> distribution = listing(
                commands.run("tar", "--numeric-owner", "-tvzf", tarball.toString()).expectSuccess().stdout());

        List<String> mismatches = new ArrayList<>();
        Set<String> fromDistribution = new HashSet<>();
        for (Map.Entry<String, String[]> entry : distribution.entrySet()) {
            // the tarball's entries sit in one top directory, outpost-distribution-<version>/
            String relative = entry.getKey().contains("/") ? entry.getKey().substring(entry.getKey().indexOf('/') + 1) : "";
            String path = relative.isEmpty() ? "opt/outpost" : "opt/outpost/" + relative;
            fromDistribution.add(path);
            String[] inPackage = packaged.get(path);
            if (inPackage == null) {
                mismatches.add(path + " is missing");
            } else if (!inPackage[0].equals(entry.getValue()[0])) {
                mismatches.add(path + " is " + inPackage[0] + ", the distribution has " + entry.getValue()[0]);
            }
        }
        assertEquals(List.of(), mismatches, "the package's /opt/outpost differs from the distribution tarball");
        assertTrue(distribution.size() > 100, "the tarball listing looks truncated: " + distribution.size() + " entries");

        List<String> extras = packaged.keySet().stream()
                .filter(path -> path.startsWith("opt/outpost/") && !fromDistribution.contains(path))
                .toList();
        assertEquals(List.of("opt/outpost/bin/outpost-service"), extras);

        assertEquals("-rwxr-xr-x", packaged.get("opt/outpost/bin/outpost")[0]);
        assertEquals("-rwxr-xr-x", packaged.get("opt/outpost/bin/outpost-service")[0]);
        assertEquals("-rw-r--r--", packaged.get("lib/systemd/system/outpost.service")[0]);
        // may hold OUTPOST_TOKEN
        assertEquals("-rw-r-----", packaged.get("etc/default/outpost")[0]);
        List<String> notRootOwned = packaged.entrySet().stream()
                .filter(e -> !e.getValue()[1].equals("root/root")).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), notRootOwned);
        assertTrue(packaged.keySet().stream().noneMatch(path -> path.startsWith("var")),
                "state is made by postinst, not shipped: " + packaged.keySet().stream().filter(p -> p.startsWith("var")).toList());
    }

    @Test
    @Order(3)
    void maintainerScriptsAndServiceScriptAreValidShell() throws Exception {
        List<Path> scripts = new ArrayList<>();
        for (String name : List.of("postinst", "prerm", "postrm")) {
            scripts.add(controlDir.resolve(name));
        }
        scripts.add(service);
        for (Path script : scripts) {
            assertTrue(Files.isRegularFile(script), script + " is missing");
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(script)), script.toString());
            assertEquals("#!/bin/sh", Files.readAllLines(script, StandardCharsets.UTF_8).get(0), script.toString());
            commands.run("sh", "-n", script.toString()).expectSuccess();
        }
    }

    @Test
    @Order(4)
    void maintainerScriptsCreateTheUserAndKeepDataUntilPurge() throws Exception {
        MaintainerScripts scripts = new MaintainerScripts(commands, controlDir, work.resolve("maintainer"));
        Path scratch = scripts.root();
        Path state = scratch.resolve("var/lib/outpost");
        Path tokenDir = scratch.resolve("etc/outpost");
        Path defaults = scratch.resolve("etc/default/outpost");
        Path restartMark = scratch.resolve("run/outpost.restart-after-upgrade");
        Files.createDirectories(scratch.resolve("run/systemd/system")); // systemd runs in this root
        Files.createDirectories(defaults.getParent());
        Files.copy(root.resolve("etc/default/outpost"), defaults); // unpacked before postinst runs

        // first install: user, state and token directories; enabled, but not started unconfigured
        Commands.Result install = scripts.run("postinst", false, "configure", "");
        List<String> calls = scripts.takeCalls();
        assertEquals(List.of("outpost"), scripts.accounts());
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("adduser --system") && c.contains("--home /var/lib/outpost")), calls.toString());
        assertTrue(calls.contains("chown outpost:outpost " + state), calls.toString());
        assertTrue(calls.contains("chown root:outpost " + tokenDir), calls.toString());
        assertEquals(List.of("systemctl daemon-reload", "systemctl enable outpost.service"),
                calls.stream().filter(c -> c.startsWith("systemctl")).toList());
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenDir)));
        assertTrue(install.stdout().contains("OUTPOST_ROLE"), "no hint to configure the node: " + install.stdout());

        // the node runs and has state
        Files.writeString(defaults, "OUTPOST_ROLE=agent\n", StandardOpenOption.APPEND);
        Path identity = state.resolve("agent/node.crt");
        Files.createDirectories(identity.getParent());
        Files.writeString(identity, "the node's certificate\n");

        // upgrade: the running service is stopped, then started again; nothing else changes
        scripts.run("prerm", true, "upgrade", version);
        assertEquals(List.of("systemctl is-active --quiet outpost.service", "systemctl stop outpost.service"), scripts.takeCalls());
        assertTrue(Files.exists(restartMark));
        scripts.run("postrm", false, "upgrade", version);
        scripts.run("postinst", false, "configure", version);
        calls = scripts.takeCalls();
        assertEquals(List.of("systemctl daemon-reload", "systemctl start outpost.service"),
                calls.stream().filter(c -> c.startsWith("systemctl")).toList());
        assertTrue(calls.stream().noneMatch(c -> c.startsWith("adduser")), "the user exists already: " + calls);
        assertFalse(Files.exists(restartMark));
        assertEquals("the node's certificate\n", Files.readString(identity));

        // remove: stopped, data, token directory and user kept
        scripts.run("prerm", false, "remove");
        assertEquals(List.of("systemctl stop outpost.service"), scripts.takeCalls());
        scripts.run("postrm", false, "remove");
        assertEquals(List.of("systemctl daemon-reload"), scripts.takeCalls());
        assertEquals("the node's certificate\n", Files.readString(identity));
        assertTrue(Files.isDirectory(tokenDir));
        assertEquals(List.of("outpost"), scripts.accounts());

        // purge: data, token directory, enablement link and user gone
        Path wants = scratch.resolve("etc/systemd/system/multi-user.target.wants/outpost.service");
        Files.createDirectories(wants.getParent());
        Files.createSymbolicLink(wants, Path.of("/lib/systemd/system/outpost.service"));
        scripts.run("postrm", false, "purge");
        calls = scripts.takeCalls();
        assertFalse(Files.exists(state), "purge keeps " + state);
        assertFalse(Files.exists(tokenDir), "purge keeps " + tokenDir);
        assertFalse(Files.exists(wants, LinkOption.NOFOLLOW_LINKS), "purge keeps " + wants);
        assertEquals(List.of(), scripts.accounts());
        assertTrue(calls.contains("deluser --system --quiet outpost"), calls.toString());

        // a first install whose /etc/default/outpost is configured starts the service
        scripts.run("postinst", false, "configure", "");
        calls = scripts.takeCalls();
        assertEquals(List.of("systemctl daemon-reload", "systemctl enable outpost.service", "systemctl start outpost.service"),
                calls.stream().filter(c -> c.startsWith("systemctl")).toList());
    }

    @Test
    @Order(5)
    void unitFileRunsTheServiceScriptAsOutpostWithHardening() throws Exception {
        Path unit = root.resolve("lib/systemd/system/outpost.service");
        Map<String, Map<String, List<String>>> sections = unitSections(Files.readAllLines(unit, StandardCharsets.UTF_8));
        Map<String, List<String>> serviceSection = sections.getOrDefault("Service", Map.of());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("Type", "simple");
        expected.put("User", "outpost");
        expected.put("EnvironmentFile", "-" + CONFFILE);
        expected.put("ExecStart", "/opt/outpost/bin/outpost-service");
        expected.put("Restart", "on-failure");
        expected.put("NoNewPrivileges", "true");
        expected.put("ProtectSystem", "full");
        expected.put("PrivateTmp", "true");
        expected.put("ReadWritePaths", "/var/lib/outpost");
        expected.put("ReadOnlyPaths", "/opt/outpost");
        expected.forEach((key, value) -> assertEquals(List.of(value), serviceSection.get(key), "[Service] " + key));
        // SIGTERM stops Karaf cleanly (checked with the running agent below)
        assertFalse(serviceSection.containsKey("ExecStop"), "ExecStop= is not needed");
        assertEquals(List.of("multi-user.target"), sections.getOrDefault("Install", Map.of()).get("WantedBy"));

        if (which("systemd-analyze").isEmpty()) {
            System.out.println("DebPackageIT: systemd-analyze is not installed; outpost.service was checked structurally only");
            return;
        }
        // verify wants ExecStart to exist: point it at the extracted script, leave everything else as shipped
        Path copy = work.resolve("unit/outpost.service");
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, Files.readString(unit).replace("ExecStart=/opt/outpost/", "ExecStart=" + install + "/"));
        Commands.Result verify = commands.run("systemd-analyze", "verify", "--man=no", copy.toString());
        assertEquals(0, verify.exitCode(), verify.describe());
        assertEquals("", verify.output().strip(), "systemd-analyze verify has remarks");
    }

    @Test
    @Order(6)
    void serviceScriptRefusesIncompleteSettingsClearly() throws Exception {
        Path dataDir = work.resolve("refused");
        String missingToken = work.resolve("no-such-token").toString();
        assertRefused(Map.of(), "OUTPOST_ROLE is not set");
        assertRefused(Map.of("OUTPOST_ROLE", "gateway"), "OUTPOST_ROLE='gateway' is not a role");
        assertRefused(Map.of("OUTPOST_ROLE", "agent", "OUTPOST_DATA_DIR", dataDir.toString()), "an agent needs OUTPOST_SERVER_URL");
        assertRefused(Map.of("OUTPOST_ROLE", "agent", "OUTPOST_DATA_DIR", dataDir.toString(),
                "OUTPOST_SERVER_URL", "https://127.0.0.1:1", "OUTPOST_TOKEN_FILE", missingToken),
                "the first join needs a join token: put the server's node-token in " + missingToken);
        assertRefused(Map.of("OUTPOST_ROLE", "agent", "OUTPOST_DATA_DIR", dataDir.toString(),
                "OUTPOST_SERVER_URL", "https://127.0.0.1:1", "OUTPOST_TOKEN", "K10secret", "OUTPOST_TOKEN_FILE", missingToken),
                "set either OUTPOST_TOKEN or OUTPOST_TOKEN_FILE");
        assertFalse(Files.exists(dataDir.resolve("agent/join-token")), "a refused start wrote the token");

        // bin/outpost's own refusals come through with its status (2: outpost.service does not restart on it)
        Commands.Result badPort = commands.run(Map.of("OUTPOST_ROLE", "server", "OUTPOST_DATA_DIR", dataDir.toString(),
                "OUTPOST_HTTPS_PORT", "99999"), Duration.ofSeconds(60), service.toString());
        assertEquals(2, badPort.exitCode(), badPort.describe());
        assertTrue(badPort.stderr().contains("port must be a number from 1 to 65535, got '99999'"), badPort.describe());

        // OUTPOST_TOKEN reaches bin/outpost in an owner-only file, never on a command line or in the output
        Path handoverDir = work.resolve("token-handover");
        Commands.Result handover = commands.run(Map.of("OUTPOST_ROLE", "agent", "OUTPOST_DATA_DIR", handoverDir.toString(),
                "OUTPOST_SERVER_URL", "https://127.0.0.1:1", "OUTPOST_TOKEN", "K10secret", "OUTPOST_NODE_NAME", "Not_A_Name"),
                Duration.ofSeconds(60), service.toString());
        assertEquals(2, handover.exitCode(), handover.describe());
        assertTrue(handover.stderr().contains("node name 'Not_A_Name' is not valid"), handover.describe());
        assertFalse(handover.output().contains("K10secret"), "the token was printed");
        Path joinToken = handoverDir.resolve("agent/join-token");
        assertEquals("K10secret\n", Files.readString(joinToken));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(joinToken)));
    }

    private void assertRefused(Map<String, String> environment, String message) throws Exception {
        Commands.Result result = commands.run(environment, Duration.ofSeconds(30), service.toString());
        assertEquals(EX_CONFIG, result.exitCode(), result.describe());
        assertTrue(result.stderr().contains(message), "expected '" + message + "' in:\n" + result.describe());
        assertFalse(result.output().contains("K10secret"), "the token was printed");
    }

    @Test
    @Order(7)
    void agentStartedByTheServiceScriptJoinsAndLeavesTheInstalledTreeAlone() throws Exception {
        TreeSnapshot installed = TreeSnapshot.of(install);
        serverDir = work.resolve("server");
        agentDir = work.resolve("var-lib-outpost");
        httpsPort = freePort();
        server = processes.start("srv", service, Map.of(
                "OUTPOST_ROLE", "server",
                "OUTPOST_DATA_DIR", serverDir.toString(),
                "OUTPOST_BIND", "127.0.0.1",
                "OUTPOST_HTTPS_PORT", String.valueOf(httpsPort),
                "OUTPOST_REST_PORT", String.valueOf(freePort()),
                "OUTPOST_NODE_NAME", "srv"));
        Path nodeToken = serverDir.resolve("server/node-token");
        await("the server's node token", Duration.ofSeconds(120), () -> Files.isRegularFile(nodeToken), server);

        agent = processes.start("deb-agent", service, Map.of(
                "OUTPOST_ROLE", "agent",
                "OUTPOST_SERVER_URL", "https://127.0.0.1:" + httpsPort,
                "OUTPOST_TOKEN_FILE", nodeToken.toString(),
                "OUTPOST_DATA_DIR", agentDir.toString(),
                "OUTPOST_REST_PORT", String.valueOf(freePort()),
                "OUTPOST_NODE_NAME", "deb-agent"));
        awaitReady("deb-agent", Instant.EPOCH, agent);
        // the agent serves Kura's REST paths on the port OUTPOST_REST_PORT names
        await("the agent's REST url", Duration.ofSeconds(60), () -> Files.isRegularFile(agentDir.resolve("rest/url")), agent);

        // the exec chain leaves the JVM as the process the service manager started (Type=simple)
        String command = ProcessHandle.of(agent.process().pid()).flatMap(p -> p.info().command()).orElse("");
        assertTrue(command.endsWith("/java"), "the agent's process runs '" + command + "', not the JVM");
        assertEquals(List.of(), installed.differencesTo(TreeSnapshot.of(install)), "running nodes wrote into the installed tree");
        assertTrue(Files.isRegularFile(agentDir.resolve("instances/instance.properties")),
                "Karaf's instance registry should be in the data directory");
    }

    @Test
    @Order(8)
    void upgradeOverTheInstalledTreeKeepsTheAgentsIdentityAndSettings() throws Exception {
        assertTrue(agent != null && agent.process().isAlive(), "the agent of the previous step is not running");
        byte[] certificate = Files.readAllBytes(agentDir.resolve("agent/node.crt"));
        String created = node("deb-agent").orElseThrow().path("created").asText();
        TreeSnapshot installed = TreeSnapshot.of(install);

        // the administrator's settings: the first join's token is not among them
        Path defaults = root.resolve(CONFFILE.substring(1));
        Files.writeString(defaults, "OUTPOST_ROLE=agent\n"
                + "OUTPOST_SERVER_URL=\"https://127.0.0.1:" + httpsPort + "\"\n"
                + "OUTPOST_NODE_NAME=deb-agent\n"
                + "OUTPOST_DATA_DIR=" + agentDir + "\n", StandardOpenOption.APPEND);

        Commands.Result stop = commands.run(Map.of(), Duration.ofSeconds(90),
                install.resolve("bin/outpost").toString(), "stop", "--data-dir", agentDir.toString()).expectSuccess();
        assertTrue(agent.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS), stop.describe());
        assertEquals(0, agent.process().exitValue(), "Karaf should exit 0 on SIGTERM:\n" + agent.tail());
        assertEquals(List.of(), installed.differencesTo(TreeSnapshot.of(install)), "stopping the agent wrote into the installed tree");

        // what dpkg does with the files: the package's files replaced, a conffile the admin changed kept
        Map<Path, byte[]> keptConffiles = new LinkedHashMap<>();
        for (String conffile : commands.run("dpkg-deb", "--info", deb.toString(), "conffiles").expectSuccess().stdout().strip().split("\n")) {
            Path file = root.resolve(conffile.substring(1));
            keptConffiles.put(file, Files.readAllBytes(file));
        }
        commands.run("dpkg-deb", "-x", deb.toString(), root.toString()).expectSuccess();
        for (Map.Entry<Path, byte[]> kept : keptConffiles.entrySet()) {
            Files.write(kept.getKey(), kept.getValue());
        }
        TreeSnapshot upgraded = TreeSnapshot.of(install);

        assertFalse(Files.exists(Path.of("/etc/outpost/token")),
                "this machine has /etc/outpost/token, which outpost-service would hand to the agent; this step needs a start without any token");
        Map<String, String> environment = environmentFile(defaults);
        assertTrue(environment.keySet().stream().noneMatch(key -> key.startsWith("OUTPOST_TOKEN")), environment.toString());
        Instant restarted = Instant.now();
        ServiceProcesses.Node upgradedAgent = processes.start("deb-agent-upgraded", service, environment);
        JsonNode node = awaitReady("deb-agent", restarted, upgradedAgent);

        assertTrue(Arrays.equals(certificate, Files.readAllBytes(agentDir.resolve("agent/node.crt"))), "the node certificate changed");
        assertEquals(created, node.path("created").asText(), "the server registered deb-agent anew");
        assertEquals(1, nodes().stream().filter(n -> n.path("name").asText().equals("deb-agent")).count());
        assertEquals(List.of(), upgraded.differencesTo(TreeSnapshot.of(install)), "the upgraded agent wrote into the installed tree");
    }

    // --- helpers

    private List<JsonNode> nodes() throws IOException, InterruptedException {
        Commands.Result result = commands.run(Map.of(), Duration.ofSeconds(90),
                install.resolve("bin/outpost").toString(), "shell", "--data-dir", serverDir.toString(), "edge:nodes", "-o", "json");
        if (result.exitCode() != 0) {
            return List.of();
        }
        List<JsonNode> nodes = new ArrayList<>();
        JSON.readTree(result.stdout()).path("items").forEach(nodes::add);
        return nodes;
    }

    private Optional<JsonNode> node(String name) throws IOException, InterruptedException {
        return nodes().stream().filter(n -> n.path("name").asText().equals(name)).findFirst();
    }

    /** Waits until the server lists {@code name} Ready with a heartbeat after {@code since}. */
    private JsonNode awaitReady(String name, Instant since, ServiceProcesses.Node process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String last = "absent";
        while (true) {
            Optional<JsonNode> node = node(name);
            if (node.isPresent()) {
                last = node.get().toString();
                String heartbeat = node.get().path("lastHeartbeat").asText("");
                if (node.get().path("status").asText().equals("Ready") && !heartbeat.isEmpty()
                        && Instant.parse(heartbeat).isAfter(since)) {
                    return node.get();
                }
            }
            if (!process.process().isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not become Ready (last seen: " + last + ")\n" + process.tail() + "\n" + server.tail());
            }
            Thread.sleep(1000);
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Duration timeout, Condition condition, ServiceProcesses.Node process) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (!process.process().isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + "\n" + process.tail());
            }
            Thread.sleep(250);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Optional<Path> which(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, tool)).filter(Files::isExecutable).findFirst();
    }

    private static Map<String, String> controlFields(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith(" ")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    /** Path (without a leading {@code ./} or trailing {@code /}) to {mode, owner}. */
    private static Map<String, String[]> listing(String text) {
        Map<String, String[]> entries = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LISTING_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String name = m.group(4);
            int link = name.indexOf(" -> ");
            if (link >= 0) {
                name = name.substring(0, link);
            }
            name = name.replaceFirst("^\\./", "").replaceFirst("/$", "");
            if (!name.isEmpty()) {
                entries.put(name, new String[] {m.group(1), m.group(2)});
            }
        }
        return entries;
    }

    /** Section to key to values, in the order the unit file gives them. */
    private static Map<String, Map<String, List<String>>> unitSections(List<String> lines) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1), s -> new LinkedHashMap<>());
                continue;
            }
            int equals = line.indexOf('=');
            if (current == null || equals <= 0) {
                throw new AssertionError("not a unit file line: " + raw);
            }
            current.computeIfAbsent(line.substring(0, equals).strip(), k -> new ArrayList<>()).add(line.substring(equals + 1).strip());
        }
        return sections;
    }

    /** The assignments systemd's EnvironmentFile= takes from {@code file}: KEY=value, optionally quoted. */
    private static Map<String, String> environmentFile(Path file) throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            int equals = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || equals <= 0) {
                continue;
            }
            String value = line.substring(equals + 1).strip();
            if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                    && value.charAt(value.length() - 1) == value.charAt(0)) {
                value = value.substring(1, value.length() - 1);
            }
            environment.put(line.substring(0, equals).strip(), value);
        }
        return environment;
    }
}
