package org.outpost.cloud.mqtt.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.outpost.launcher.LoopbackPorts;

/**
 * A real Mosquitto broker on a free loopback port, started by the test and killed by its PID.
 * Stopping and starting again keeps the port, so clients can come back to it.
 */
final class MosquittoBroker implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    private final Path dir;
    private final int port;
    private final List<String> extraConfig;
    private Process process;

    private MosquittoBroker(Path dir, int port, List<String> extraConfig) {
        this.dir = dir;
        this.port = port;
        this.extraConfig = extraConfig;
    }

    /** Starts a broker; fails the test set-up with a clear message when Mosquitto is not installed. */
    static MosquittoBroker start(Path dir) throws IOException, InterruptedException {
        return start(dir, List.of());
    }

    /** As {@link #start(Path)}, with more lines for its configuration (e.g. a TLS listener). */
    static MosquittoBroker start(Path dir, List<String> extraConfig) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: install mosquitto (scripts/test-prereqs.sh)");
        }
        MosquittoBroker broker = new MosquittoBroker(dir, freePort(), extraConfig);
        broker.startProcess();
        return broker;
    }

    int port() {
        return port;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** Kills the broker (SIGKILL): connections drop without a word, as in a crash. */
    void kill() throws InterruptedException {
        if (process == null) return;
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        process = null;
    }

    void restart() throws IOException, InterruptedException {
        kill();
        startProcess();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private void startProcess() throws IOException, InterruptedException {
        Path config = dir.resolve("mosquitto.conf");
        List<String> lines = new java.util.ArrayList<>(List.of(
                "per_listener_settings false",
                // when the tests run as root, stay root: the private temp directory holds the TLS files
                "user root",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence false",
                // the test subscribers must see every message: no per-client queue limit
                "max_queued_messages 0",
                "max_inflight_messages 1000",
                "log_dest stdout",
                "log_type error",
                "log_type warning",
                "log_type notice"));
        lines.addAll(extraConfig);
        Files.writeString(config, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        process = new ProcessBuilder(BINARY.toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!accepting()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("mosquitto.log")));
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("mosquitto did not listen on " + port);
            Thread.sleep(20);
        }
    }

    private boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Below the ephemeral range: the server is restarted on this port after a pause, when an outgoing connection could have taken it. */
    static int freePort() throws IOException {
        return LoopbackPorts.pickFree();
    }
}
