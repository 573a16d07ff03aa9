package org.outpost.device.mqtt.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.outpost.launcher.LoopbackPorts;

/**
 * A real Mosquitto the test starts on a free loopback port and stops by its PID, with a Paho client
 * to publish from the test.
 */
final class MosquittoBroker implements AutoCloseable {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    private static final Path MOSQUITTO_PASSWD = Path.of("/usr/bin/mosquitto_passwd");

    private final int port;
    private final Path config;
    private final Path log;
    private Process process;
    private MqttClient publisher;

    /** A broker that lets anyone in. */
    static MosquittoBroker anonymous(Path dir) throws IOException {
        return new MosquittoBroker(dir, List.of("allow_anonymous true"));
    }

    /** A broker that takes only {@code username} with {@code password}. */
    static MosquittoBroker withPassword(Path dir, String username, String password) throws IOException, InterruptedException {
        requireExecutable(MOSQUITTO_PASSWD);
        Path passwords = dir.resolve("passwords");
        Process passwd = new ProcessBuilder(MOSQUITTO_PASSWD.toString(), "-c", "-b", passwords.toString(), username, password)
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto_passwd.log").toFile()).start();
        if (!passwd.waitFor(10, TimeUnit.SECONDS) || passwd.exitValue() != 0) {
            passwd.destroyForcibly();
            throw new IllegalStateException("mosquitto_passwd failed: " + Files.readString(dir.resolve("mosquitto_passwd.log")));
        }
        return new MosquittoBroker(dir, List.of("allow_anonymous false", "password_file " + passwords));
    }

    private MosquittoBroker(Path dir, List<String> access) throws IOException {
        requireExecutable(MOSQUITTO);
        this.port = freePort();
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
        StringBuilder text = new StringBuilder();
        text.append("listener ").append(port).append(" 127.0.0.1\n");
        for (String line : access) text.append(line).append('\n');
        // as root, mosquitto would switch to its own user, which cannot read the test's files
        text.append("user ").append(System.getProperty("user.name")).append('\n');
        text.append("persistence false\n");
        text.append("log_dest stdout\n");
        Files.writeString(config, text.toString());
    }

    private static void requireExecutable(Path program) {
        if (!Files.isExecutable(program)) {
            throw new IllegalStateException(program + " is missing: install mosquitto and mosquitto-clients "
                    + "(scripts/test-prereqs.sh) to run the MQTT driver tests");
        }
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    MosquittoBroker start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) throw new IllegalStateException("already running");
        process = new ProcessBuilder(MOSQUITTO.toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts()) {
            if (!process.isAlive()) throw new IllegalStateException("mosquitto exited: " + logText());
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("mosquitto did not listen on port " + port + " within 10 s: " + logText());
            }
            Thread.sleep(20);
        }
        return this;
    }

    /** Stops the broker by its PID and waits until it is gone. */
    void stop() throws InterruptedException {
        if (publisher != null) {
            try {
                if (publisher.isConnected()) publisher.disconnect(0);
                publisher.close(true);
            } catch (MqttException e) {
                // the broker is going away anyway
            }
            publisher = null;
        }
        if (process == null) return;
        ProcessHandle handle = ProcessHandle.of(process.pid()).orElse(null);
        if (handle != null && handle.isAlive()) {
            handle.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        process = null;
    }

    /** Publishes from a client of the test's own (not retained, QoS 1). */
    void publish(String topic, String payload) throws MqttException {
        if (publisher == null) {
            publisher = new MqttClient(url(), "test-publisher-" + port, new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            publisher.connect(options);
        }
        publisher.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Below the ephemeral range: the server is restarted on this port after a pause, when an outgoing connection could have taken it. */
    private static int freePort() throws IOException {
        return LoopbackPorts.pickFree();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
