package org.outpost.packaging.dp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Outpost server started from the unpacked distribution with {@code bin/outpost server}
 * on a free loopback port, and its admin API: HTTPS that trusts only the cluster CA of the
 * server's data directory ({@code server/tls/ca.crt}), with the admin credential it wrote. Stopped by its PID in {@link #close()}.
 */
final class OutpostServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dataDir;
    private final Path output;
    private final URI base;
    private HttpClient http;
    private String adminToken;

    private final Path launcher;

    private OutpostServer(Path launcher, Process process, Path dataDir, Path output, int port) {
        this.launcher = launcher;
        this.process = process;
        this.dataDir = dataDir;
        this.output = output;
        this.base = URI.create("https://127.0.0.1:" + port);
    }

    static OutpostServer start(Path distribution, Path work, int nodeTimeoutSeconds) throws IOException {
        Path launcher = distribution.resolve("bin/outpost");
        if (!Files.isRegularFile(launcher)) {
            throw new IllegalStateException("no Outpost distribution at " + distribution
                    + " (the build unpacks org.outpost:outpost-distribution there before the integration tests)");
        }
        Path dataDir = work.resolve("server");
        Path output = work.resolve("server.out");
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder("bash", launcher.toString(), "server", "--data-dir", dataDir.toString(),
                "--bind", "127.0.0.1", "--https-port", String.valueOf(port), "--node-name", "srv",
                "--node-timeout", String.valueOf(nodeTimeoutSeconds))
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        // a one-off server: no class-data archive written at its exit
        builder.environment().put("OUTPOST_CLASS_ARCHIVE", "off");
        Process process = builder.start();
        process.getOutputStream().close();
        return new OutpostServer(launcher, process, dataDir, output, port);
    }

    /** {@code bin/outpost shell --data-dir <server> COMMAND...}: what an operator types. */
    String shell(String... command) throws IOException, InterruptedException {
        List<String> args = new java.util.ArrayList<>(List.of("bash", launcher.toString(), "shell", "--data-dir", dataDir.toString()));
        args.addAll(List.of(command));
        Process shell = new ProcessBuilder(args).redirectErrorStream(true).start();
        shell.getOutputStream().close();
        String text = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!shell.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || shell.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + text);
        }
        return text;
    }

    URI url() {
        return base;
    }

    /** The join token file agents are configured with. */
    Path nodeTokenFile() {
        return dataDir.resolve("server/node-token");
    }

    /** Waits until the server wrote its credentials and answers its admin API. */
    void awaitReady(Duration timeout) throws InterruptedException {
        Waits.until("the server's admin API at " + base, timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited (" + process.exitValue() + ")" + outputTail());
            }
            if (!Files.isRegularFile(dataDir.resolve("server/admin-token")) || !Files.isRegularFile(nodeTokenFile())
                    || !Files.isRegularFile(caCertificate())) {
                return false;
            }
            get("/v1/nodes");
            return true;
        });
    }

    /** {@code GET path} with the admin credential; the body as JSON. */
    JsonNode get(String path) throws IOException, GeneralSecurityException, InterruptedException {
        HttpResponse<String> response = client().send(HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The node's entry in {@code /v1/nodes}, or a missing node when the server does not know it. */
    JsonNode node(String name) throws IOException, GeneralSecurityException, InterruptedException {
        JsonNode nodes = get("/v1/nodes");
        for (JsonNode node : nodes.isArray() ? nodes : nodes.path("items")) {
            if (node.path("name").asText().equals(name)) {
                return node;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    List<JsonNode> readings(String node, String device) throws IOException, GeneralSecurityException, InterruptedException {
        JsonNode items = get("/v1/readings?node=" + node + "&device=" + device).path("items");
        List<JsonNode> readings = new java.util.ArrayList<>();
        items.forEach(readings::add);
        return readings;
    }

    String outputTail() {
        try {
            String text = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
            return "\n--- server output (" + output + ", last 6000 characters) ---\n" + text.substring(Math.max(0, text.length() - 6000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized HttpClient client() throws IOException, GeneralSecurityException {
        if (http == null) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            try (InputStream ca = Files.newInputStream(caCertificate())) {
                trusted.setCertificateEntry("outpost-cluster-ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            adminToken = Files.readString(dataDir.resolve("server/admin-token"), StandardCharsets.UTF_8).trim();
            http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        }
        return http;
    }

    private Path caCertificate() {
        return dataDir.resolve("server/tls/ca.crt");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops the server JVM (bin/outpost execs it, so the PID is the JVM's); kills it if it does not exit in time. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
