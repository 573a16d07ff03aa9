package org.outpost.itests;

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

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.outpost.security.CaPinningTrustManager;
import org.outpost.security.ParsedJoinToken;

import com.fasterxml.jackson.databind.JsonNode;

/** The server's admin API over TLS pinned to the cluster CA, with the admin credential. */
final class ServerApi {
    private final URI base;
    private final String admin;
    private final HttpClient http;

    ServerApi(int port, Path serverDir) throws IOException, GeneralSecurityException {
        this.base = URI.create("https://127.0.0.1:" + port);
        this.admin = Files.readString(serverDir.resolve("server/admin-token"), StandardCharsets.UTF_8).trim();
        String token = Files.readString(serverDir.resolve("server/node-token"), StandardCharsets.UTF_8).trim();
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(null, new TrustManager[] {new CaPinningTrustManager(ParsedJoinToken.parse(token).caHash())}, null);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    JsonNode post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    String text(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + admin).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + admin)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(request.build().uri() + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return OutpostProcesses.JSON.readTree(response.body());
    }
}
