package org.outpost.packaging.deb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Long-running nodes started the way outpost.service starts them: {@code bin/outpost-service}
 * with the settings in its environment. Every process started here is stopped by PID in
 * {@link #close()}.
 */
final class ServiceProcesses implements AutoCloseable {
    private final Path logs;
    private final List<Node> started = new ArrayList<>();

    ServiceProcesses(Path logs) {
        this.logs = logs;
    }

    /** outpost-service execs bin/outpost, which execs the JVM: the process is the node's JVM. */
    record Node(String name, Process process, Path outputFile) {
        String output() {
            try {
                return Files.exists(outputFile) ? Files.readString(outputFile, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The last lines of the node's output, for failure messages. */
        String tail() {
            List<String> lines = output().lines().toList();
            return name + " (pid " + process.pid() + ", " + (process.isAlive() ? "running" : "exited " + process.exitValue())
                    + "):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }
    }

    Node start(String name, Path serviceScript, Map<String, String> environment) throws IOException {
        Files.createDirectories(logs);
        Path output = logs.resolve(name + "-" + started.size() + ".out");
        ProcessBuilder builder = new ProcessBuilder(serviceScript.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(variable -> variable.startsWith("OUTPOST_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        Node node = new Node(name, process, output);
        started.add(node);
        return node;
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
                if (!node.process().waitFor(60, TimeUnit.SECONDS)) {
                    node.process().destroyForcibly();
                    node.process().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                node.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
