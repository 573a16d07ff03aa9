package org.outpost.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.outpost.security.CaPinningTrustManager;
import org.outpost.security.ParsedJoinToken;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The server's HTTP API as the benchmark uses it: /healthz, /v1/nodes and /metrics over TLS that
 * trusts only the CA named in the node token (the same pinning an agent uses to join).
 */
final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A node as listed by /v1/nodes. */
    record Node(String name, String status, Instant lastHeartbeat) {
        boolean ready() {
            return "Ready".equals(status);
        }

        /** Ready on a heartbeat (or hello) received at or after {@code since}, i.e. from a live channel. */
        boolean readySince(Instant since) {
            return ready() && lastHeartbeat != null && !lastHeartbeat.isBefore(since);
        }
    }

    private final URI base;
    private final String adminToken;
    private final HttpClient http;

    AdminClient(URI base, String nodeToken, String adminToken) throws GeneralSecurityException {
        this.base = base;
        this.adminToken = adminToken;
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(null, new TrustManager[] {new CaPinningTrustManager(ParsedJoinToken.parse(nodeToken).caHash())}, null);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    /** A client for the server in {@code dataDir}, once it has written its node token and admin credential. */
    static Optional<AdminClient> forDataDir(URI base, Path dataDir) {
        Path nodeToken = dataDir.resolve("server/node-token");
        Path adminToken = dataDir.resolve("server/admin-token");
        try {
            if (!Files.isRegularFile(nodeToken) || !Files.isRegularFile(adminToken)) {
                return Optional.empty();
            }
            String token = Files.readString(nodeToken, StandardCharsets.UTF_8).trim();
            String admin = Files.readString(adminToken, StandardCharsets.UTF_8).trim();
            if (token.isEmpty() || admin.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new AdminClient(base, token, admin));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether /healthz answers 200 within the timeout. */
    boolean healthy(Duration timeout) {
        try {
            return get("/healthz", false, timeout).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** All nodes by name, or empty if the API did not answer. */
    Optional<Map<String, Node>> nodes(Duration timeout) {
        try {
            HttpResponse<String> response = get("/v1/nodes", true, timeout);
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            Map<String, Node> nodes = new LinkedHashMap<>();
            for (JsonNode item : JSON.readTree(response.body()).path("items")) {
                String heartbeat = item.path("lastHeartbeat").asText(null);
                nodes.put(item.path("name").asText(), new Node(item.path("name").asText(), item.path("status").asText(),
                        heartbeat == null || heartbeat.isEmpty() ? null : Instant.parse(heartbeat)));
            }
            return Optional.of(nodes);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    Optional<Node> node(String name, Duration timeout) {
        return nodes(timeout).flatMap(all -> Optional.ofNullable(all.get(name)));
    }

    /** The Prometheus text of /metrics, or empty. */
    Optional<String> metrics(Duration timeout) {
        try {
            HttpResponse<String> response = get("/metrics", true, timeout);
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** One sample of /metrics by its full name (with labels), or NaN. */
    static double metric(String metricsText, String name) {
        for (String line : metricsText.split("\n")) {
            if (line.startsWith(name + " ")) {
                try {
                    return Double.parseDouble(line.substring(name.length() + 1).trim());
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
        }
        return Double.NaN;
    }

    private HttpResponse<String> get(String path, boolean admin, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET();
        if (admin) {
            request.header("Authorization", "Bearer " + adminToken);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** An admin request with a text body (or none); the response whatever its status. */
    HttpResponse<String> send(String method, String path, String body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + adminToken)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
