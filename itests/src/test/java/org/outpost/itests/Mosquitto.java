package org.outpost.itests;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker for the tests (Debian's, installed by scripts/test-prereqs.sh) on a
 * loopback port, with persistence so a subscriber's session survives a broker restart; and
 * {@code mosquitto_sub} as an independent subscriber that records every message as topic + hex.
 */
final class Mosquitto implements AutoCloseable {
    private static final Path BROKER = Path.of("/usr/sbin/mosquitto");

    final int port;
    private final Path dir;
    private Process broker;
    private Process subscriber;
    private Path captured;

    private Mosquitto(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static Mosquitto start(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(BROKER)) {
            throw new IllegalStateException(BROKER + " is missing: run scripts/test-prereqs.sh (apt-get install mosquitto mosquitto-clients)");
        }
        Files.createDirectories(dir);
        Mosquitto mosquitto = new Mosquitto(dir, OutpostProcesses.freePort());
        Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + mosquitto.port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence true",
                "persistence_location " + dir + "/",
                "max_queued_messages 1000000",
                ""));
        mosquitto.startBroker();
        return mosquitto;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    void startBroker() throws IOException, InterruptedException {
        broker = new ProcessBuilder(BROKER.toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).start();
        OutpostProcesses.await("mosquitto on port " + port, Duration.ofSeconds(20), this::answers);
    }

    void stopBroker() throws InterruptedException {
        if (broker != null && broker.isAlive()) {
            broker.destroy();
            if (!broker.waitFor(20, TimeUnit.SECONDS)) broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Subscribes to everything (data and $EDC) with QoS 1 and a persistent session, from now on. */
    void subscribe() throws IOException, InterruptedException {
        captured = dir.resolve("captured.txt");
        subscriber = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(port), "-t", "#", "-t", "$EDC/#",
                "-q", "1", "-c", "-i", "outpost-test-subscriber", "-F", "%t %x")
                .redirectErrorStream(true).redirectOutput(captured.toFile()).start();
        Thread.sleep(500);
        if (!subscriber.isAlive()) throw new IllegalStateException("mosquitto_sub exited: " + Files.readString(captured));
    }

    /** Every message received so far, in arrival order. */
    List<Message> messages() throws IOException {
        List<Message> messages = new ArrayList<>();
        for (String line : Files.readAllLines(captured, StandardCharsets.UTF_8)) {
            int space = line.lastIndexOf(' ');
            if (space <= 0) continue;
            try {
                messages.add(new Message(line.substring(0, space), HexFormat.of().parseHex(line.substring(space + 1))));
            } catch (IllegalArgumentException e) {
                // a line that is not topic + hex (an error message of mosquitto_sub): not a message
            }
        }
        return messages;
    }

    record Message(String topic, byte[] payload) {
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (subscriber != null) {
            subscriber.destroy();
            subscriber.waitFor(10, TimeUnit.SECONDS);
        }
        stopBroker();
    }
}
