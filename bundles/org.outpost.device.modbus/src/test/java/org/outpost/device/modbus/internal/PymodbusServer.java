package org.outpost.device.modbus.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Modbus-TCP server of the tests: {@code scripts/modbus-server.py} on Debian's pymodbus,
 * started as a process on 127.0.0.1 with the values of a JSON config, stopped by its PID.
 */
final class PymodbusServer implements AutoCloseable {

    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Pattern READY = Pattern.compile("ready 127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path log;

    private PymodbusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the server on {@code port} (0: a free one the server picks) holding {@code configJson}
     * and waits until it listens.
     */
    static PymodbusServer start(Path workDir, String configJson, int port) throws IOException, InterruptedException {
        requirePymodbus();
        Path config = Files.createTempFile(workDir, "modbus-values", ".json");
        Files.writeString(config, configJson, StandardCharsets.UTF_8);
        Path log = Files.createTempFile(workDir, "modbus-server", ".log");
        Process process = new ProcessBuilder(PYTHON.toString(), script().toString(), "--port", Integer.toString(port),
                "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Matcher ready = READY.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (ready.find()) return new PymodbusServer(process, Integer.parseInt(ready.group(1)), log);
                if (!process.isAlive()) {
                    throw new IllegalStateException("modbus-server.py exited with " + process.exitValue() + ":\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("modbus-server.py did not get ready within " + START_TIMEOUT.toSeconds() + "s:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        } catch (RuntimeException | IOException | InterruptedException e) {
            stop(process);
            throw e;
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Kills the server the hard way (SIGKILL), as a crash or power loss would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process process) {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Fails the test set-up with what to install when Debian's python or pymodbus is missing. */
    private static void requirePymodbus() throws IOException, InterruptedException {
        if (!Files.isExecutable(PYTHON)) {
            throw new IllegalStateException(PYTHON + " is missing: run scripts/test-prereqs.sh (installs python3-pymodbus)");
        }
        Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import pymodbus").redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (check.waitFor() != 0) {
            throw new IllegalStateException("pymodbus is missing for " + PYTHON
                    + ": run scripts/test-prereqs.sh (installs python3-pymodbus)\n" + output);
        }
    }

    /** scripts/modbus-server.py of this checkout, found upwards from the module directory. */
    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts").resolve("modbus-server.py");
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new IllegalStateException("scripts/modbus-server.py not found above " + Path.of("").toAbsolutePath());
    }
}
