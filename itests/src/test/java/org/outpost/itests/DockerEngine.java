package org.outpost.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Docker Engine for the tests (scripts/docker-engine.sh: installed when missing, no
 * bridge, no iptables, image outpost/busybox:1 made locally) and the docker CLI pointed at it.
 * Its socket lives in a short directory of its own: unix socket paths are limited to 108 bytes.
 */
final class DockerEngine implements AutoCloseable {
    final Path dir;
    final String host;
    private final Path script;

    private DockerEngine(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
        this.host = "unix://" + dir.resolve("docker.sock");
    }

    static DockerEngine start(Path repo) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "outpost-docker-");
        DockerEngine engine = new DockerEngine(repo.resolve("scripts/docker-engine.sh"), dir);
        Result started = engine.run(List.of("bash", engine.script.toString(), "start", dir.toString()), 300);
        if (started.exitCode() != 0) {
            throw new IllegalStateException("could not start a Docker Engine: " + started.output());
        }
        return engine;
    }

    record Result(int exitCode, String output) {
    }

    /** {@code docker ARGS...} against this engine. */
    Result docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "--host", host));
        command.addAll(List.of(args));
        return run(command, 120);
    }

    /** Names of this engine's containers with the label (e.g. {@code org.outpost.node=gw-1}), running or not. */
    List<String> containers(String label) throws IOException, InterruptedException {
        Result listed = docker("ps", "-a", "--filter", "label=" + label, "--format", "{{.Names}}");
        if (listed.exitCode() != 0) {
            throw new IllegalStateException("docker ps failed: " + listed.output());
        }
        return listed.output().lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    private Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path output = Files.createTempFile("docker", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Removes the containers Outpost made here (only those: labelled with a node) and stops the engine. */
    @Override
    public void close() throws IOException, InterruptedException {
        List<String> ours = containers("org.outpost.node");
        if (!ours.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("rm", "-f"));
            rm.addAll(ours);
            docker(rm.toArray(String[]::new));
        }
        run(List.of("bash", script.toString(), "stop", dir.toString()), 120);
        run(List.of("rm", "-rf", dir.toString()), 120);
    }
}
