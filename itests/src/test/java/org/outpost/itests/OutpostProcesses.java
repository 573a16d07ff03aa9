package org.outpost.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.outpost.launcher.LoopbackPorts;

/**
 * Starts {@code ./outpost} processes the way a user does and talks to them through
 * {@code ./outpost shell}. Every process started here is stopped by PID in {@link #close()}.
 */
final class OutpostProcesses implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final Path repo = Path.of(System.getProperty("outpost.repo", "..")).toAbsolutePath().normalize();
    final Path work;
    private final List<Node> started = new ArrayList<>();
    /** Added to the environment of every instance started from now on (e.g. DOCKER_HOST). */
    final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();

    OutpostProcesses(Path work) {
        this.work = work;
    }

    /** A running instance: its JVM process (the launcher execs Karaf, so the PID is the JVM's). */
    record Node(String name, Path dataDir, Process process, Path outputFile) {
        long pid() {
            return process.pid();
        }

        String output() {
            try {
                return Files.readString(outputFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void kill9() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    record Result(int exitCode, String output) {
    }

    Node server(String name, int port, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("server", "--data-dir", dir(name).toString(), "--bind", "127.0.0.1",
                "--https-port", String.valueOf(port), "--node-name", name));
        args.addAll(List.of(extra));
        return start(name, args);
    }

    Node agent(String name, int serverPort, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("agent", "--server", "https://127.0.0.1:" + serverPort,
                "--data-dir", dir(name).toString(), "--node-name", name));
        args.addAll(List.of(extra));
        return start(name, args);
    }

    Path dir(String name) {
        return work.resolve(name);
    }

    Node start(String name, List<String> args) throws IOException {
        Files.createDirectories(work);
        boolean startsNode = !args.isEmpty() && List.of("server", "agent", "demo").contains(args.get(0));
        if (startsNode && !args.contains("--rest-port")) {
            // each node a Kura REST port its gateway picks when it binds (DIR/rest/url): no race for 8443 or for a port chosen earlier
            args = new ArrayList<>(args);
            args.addAll(List.of("--rest-port", "0"));
        }
        Path output = work.resolve(name + "-" + started.size() + ".out");
        List<String> command = new ArrayList<>(List.of("bash", repo.resolve("outpost").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        Node node = new Node(name, dir(name), process, output);
        started.add(node);
        return node;
    }

    /** {@code ./outpost ARGS...} run to completion. */
    Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", repo.resolve("outpost").toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(work, "cmd", ".out");
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("'outpost " + String.join(" ", args) + "' did not finish within " + timeout);
        }
        String text = Files.readString(output, StandardCharsets.UTF_8).replaceAll("\u001B\\[[;\\d]*m", "");
        Files.delete(output);
        return new Result(process.exitValue(), text);
    }

    Result shell(Node node, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("shell", "--data-dir", node.dataDir().toString()));
        args.addAll(List.of(command));
        return run(Duration.ofSeconds(180), args.toArray(String[]::new));
    }

    JsonNode shellJson(Node node, String... command) throws IOException, InterruptedException {
        Result result = shell(node, command);
        if (result.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + result.exitCode() + "): " + result.output());
        }
        return JSON.readTree(result.output());
    }

    /** The node entries of {@code edge:nodes -o json} by name. */
    JsonNode nodes(Node server) throws IOException, InterruptedException {
        JsonNode json = shellJson(server, "edge:nodes", "-o", "json");
        return json.isArray() ? json : json.path("items");
    }

    String status(Node server, String nodeName) throws IOException, InterruptedException {
        for (JsonNode node : nodes(server)) {
            if (node.path("name").asText().equals(nodeName)) {
                return node.path("status").asText();
            }
        }
        return "absent";
    }

    /** Ports handed out in this test run: a port is chosen now and bound later, by another process. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /** A free loopback port, never one this run handed out before, below the ephemeral range where possible. */
    static int freePort() throws IOException {
        while (true) {
            int port = LoopbackPorts.pickFree();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    /** Polls a value until it satisfies the condition; returns the time it took. */
    static <T> Duration awaitValue(String what, Duration timeout, Supplier<T> value, java.util.function.Predicate<T> ok)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        T last = null;
        while (true) {
            last = value.get();
            if (ok.test(last)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + " (last: " + last + ")");
            }
            Thread.sleep(250);
        }
    }

    /**
     * Waits until the instance's console answers (Karaf booted, commands registered). When it does
     * not, the failure quotes the last answer, the node's output and the end of its Karaf log: the
     * work folder is usually gone by the time anyone looks.
     */
    void awaitConsole(Node node) throws InterruptedException {
        String[] lastAnswer = { "none" };
        try {
            await(node.name() + "'s console", Duration.ofSeconds(90), () -> {
                try {
                    if (!node.process().isAlive()) {
                        lastAnswer[0] = "the process exited with " + node.process().exitValue();
                        return false;
                    }
                    Result status = shell(node, "edge:status");
                    lastAnswer[0] = "exit " + status.exitCode() + ": " + status.output();
                    return status.exitCode() == 0;
                } catch (IOException | InterruptedException e) {
                    lastAnswer[0] = e.toString();
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last answer: " + lastAnswer[0] + diagnostics(node), e);
        }
    }

    /** The end of a node's output and of its Karaf log, for a failure message. */
    static String diagnostics(Node node) {
        return "\n--- output of " + node.name() + " ---\n" + tail(readQuietly(node.outputFile()), 40)
                + "\n--- " + node.name() + "'s data/log/karaf.log ---\n" + tail(readQuietly(node.dataDir().resolve("data/log/karaf.log")), 120);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no " + file + ")";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    Supplier<String> statusOf(Node server, String nodeName) {
        return () -> {
            try {
                return status(server, nodeName);
            } catch (IOException | InterruptedException | AssertionError e) {
                return "unreachable: " + e.getMessage();
            }
        };
    }

    @Override
    public void close() {
        for (Node node : started) {
            if (node.process().isAlive()) {
                node.process().destroy();
            }
        }
        for (Node node : started) {
            try {
                if (!node.process().waitFor(30, TimeUnit.SECONDS)) {
                    node.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                node.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
