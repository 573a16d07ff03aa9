package org.outpost.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.itests.OutpostProcesses.await;
import static org.outpost.itests.OutpostProcesses.awaitValue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.itests.OutpostProcesses.Node;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every kind of bad join token, presented by real agents: each gets a one-line reason on the
 * agent, a 401/403 JSON error from the server, and the server keeps serving. And a good token is
 * not enough to take an existing node's name: that needs the node's own password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JoinRefusalsE2EIT {
    @TempDir
    static Path work;
    private OutpostProcesses outpost;
    private int port;
    private Node server;
    private String nodeToken;
    private HttpClient http;
    private String admin;

    @BeforeAll
    void startServer() throws Exception {
        outpost = new OutpostProcesses(work);
        port = OutpostProcesses.freePort();
        server = outpost.server("srv", port);
        Path tokenFile = outpost.dir("srv").resolve("server/node-token");
        await("node token", Duration.ofSeconds(90), () -> Files.isRegularFile(tokenFile));
        outpost.awaitConsole(server);
        raiseJoinLimits();
        nodeToken = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        admin = Files.readString(outpost.dir("srv").resolve("server/admin-token"), StandardCharsets.UTF_8).trim();
        http = HttpClient.newBuilder().sslContext(trusting(outpost.dir("srv").resolve("server/tls/ca.crt")))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    void stop() {
        outpost.close();
    }

    /**
     * Every agent and probe here joins from 127.0.0.1, more often than the default per-source limit
     * (10 a minute) allows: raised as an operator would, in etc/org.outpost.server.cfg, which the
     * running server picks up (it restarts its endpoint and prints its banner again).
     */
    private void raiseJoinLimits() throws Exception {
        await("the server's banner", Duration.ofSeconds(90), () -> banners() >= 1);
        long before = banners();
        Files.writeString(outpost.dir("srv").resolve("etc/org.outpost.server.cfg"), "\njoinsPerMinute = 600\njoinBurst = 100\n",
                StandardOpenOption.APPEND);
        await("the server restarted with the raised join limits", Duration.ofSeconds(90), () -> banners() > before);
        awaitValue("srv Ready again", Duration.ofSeconds(90), outpost.statusOf(server, "srv"), "Ready"::equals);
    }

    private long banners() {
        return server.output().lines().filter(l -> l.startsWith("Outpost server srv (")).count();
    }

    @Test
    void aNodesNameCannotBeTakenWithTheJoinTokenAndTheRealNodeKeepsItsIdentity() throws Exception {
        Node real = outpost.agent("gw-real", port, "--token", nodeToken);
        awaitValue("gw-real Ready", Duration.ofSeconds(90), outpost.statusOf(server, "gw-real"), "Ready"::equals);
        Path identity = outpost.dir("gw-real").resolve("agent");
        String certificate = Files.readString(identity.resolve("node.crt"));
        String realPassword = Files.readString(identity.resolve("node-password")).trim();
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(identity.resolve("node-password"))));

        // an impostor: the node token, a fresh key and CSR, and the name of a node that exists (even the server's own)
        String impostorPassword = org.outpost.security.Secrets.newSecret();
        for (String name : new String[] {"gw-real", "srv"}) {
            assertImpostorRefused(name, impostorPassword);
            assertImpostorRefused(name, null);
        }
        Instant refused = Instant.now();

        // a real agent with a fresh data directory and the same name fails to join, with that reason
        Node copy = outpost.start("gw-real-copy", new java.util.ArrayList<>(java.util.List.of("agent", "--server",
                "https://127.0.0.1:" + port, "--data-dir", outpost.dir("gw-real-copy").toString(), "--node-name", "gw-real",
                "--token", nodeToken)));
        String reason = "node gw-real already exists; delete it first with edge:node-delete gw-real";
        await("the copy refused", Duration.ofSeconds(90), () -> copy.output().contains(reason));
        assertFalse(Files.exists(outpost.dir("gw-real-copy").resolve("agent/node.crt")), "the copy got no identity");
        copy.kill9();

        // the real node: connected and Ready for two node timeouts after all that, with the certificate it had
        Duration twoTimeouts = Duration.ofSeconds(2 * 10);
        awaitValue("gw-real heartbeating two node timeouts later", Duration.ofSeconds(120), () -> node("gw-real"),
                n -> n != null && !n.path("lastHeartbeat").isNull()
                        && Instant.parse(n.path("lastHeartbeat").asText()).isAfter(refused.plus(twoTimeouts)));
        JsonNode after = node("gw-real");
        assertEquals("Ready", after.path("status").asText(), after.toString());
        assertEquals("Ready", outpost.status(server, "srv"), "the server's own node was not taken either");
        assertTrue(real.process().isAlive());
        assertEquals(certificate, Files.readString(identity.resolve("node.crt")), "the real node kept its certificate");
        assertFalse(real.output().contains("no longer valid") || real.output().contains("already exists"),
                "the real node was never locked out: " + real.output());
        String log = Files.readString(outpost.dir("srv").resolve("data/log/karaf.log"));
        assertFalse(log.contains(realPassword) || log.contains(impostorPassword), "node passwords are never logged");
    }

    private void assertImpostorRefused(String name, String password) throws Exception {
        String csr = org.outpost.security.NodeKeys.createCsrPem(org.outpost.security.NodeKeys.generateKeyPair(), name);
        Map<String, String> request = new LinkedHashMap<>(Map.of("token", nodeToken, "nodeName", name, "csr", csr));
        if (password != null) {
            request.put("nodePassword", password);
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url("/v1/join"))
                .POST(HttpRequest.BodyPublishers.ofString(OutpostProcesses.JSON.writeValueAsString(request)))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(409, response.statusCode(), response.body());
        JsonNode error = OutpostProcesses.JSON.readTree(response.body());
        assertEquals("already_exists", error.path("code").asText(), response.body());
        assertEquals("node " + name + " already exists; delete it first with edge:node-delete " + name,
                error.path("message").asText());
    }

    private JsonNode node(String name) {
        try {
            for (JsonNode node : outpost.nodes(server)) {
                if (node.path("name").asText().equals(name)) {
                    return node;
                }
            }
            return null;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyBadTokenIsRefusedWithItsReasonAndTheServerKeepsServing() throws Exception {
        String caHash = nodeToken.substring(3, 67);
        String otherHash = caHash.replace(caHash.charAt(0), caHash.charAt(0) == 'a' ? 'b' : 'a');
        String expiring = createToken("--ttl", "1s");
        String revoked = createToken("--ttl", "1h");
        assertEquals(0, outpost.shell(server, "edge:token", "revoke", idOf(revoked)).exitCode());
        String singleUse = createToken("--ttl", "1h", "--uses", "1");
        awaitValue("token expiry", Duration.ofSeconds(10), Instant::now, now -> now.isAfter(expiryOf(idOf(expiring))));

        Node first = outpost.agent("gw-ok", port, "--token", singleUse);
        awaitValue("gw-ok Ready with the single-use token", Duration.ofSeconds(90), outpost.statusOf(server, "gw-ok"),
                "Ready"::equals);
        // A token for another cluster: the agent stops at the TLS handshake, before any request carries the secret.
        String joinRequests = "outpost_http_request_duration_seconds_count{route=\"POST /v1/join\"}";
        long joinRequestsBefore = metric(joinRequests);
        Node wrongCa = outpost.agent("wrong-ca", port, "--token", "K10" + otherHash + "::server:" + "feedfacefeedfacefeedface");
        await("wrong CA refused", Duration.ofSeconds(90), () -> wrongCa.output().contains("does not match"));
        assertEquals(joinRequestsBefore, metric(joinRequests), "no join request reached the server");
        assertEquals(1, wrongCa.output().lines().filter(l -> l.contains("does not match")).count(), wrongCa.output());
        assertFalse(wrongCa.output().contains("feedface"), wrongCa.output());

        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("garbage", "not-a-token");
        cases.put("wrong-secret", nodeToken.substring(0, nodeToken.lastIndexOf(':') + 1) + "0123456789abcdef0123456789abcdef");
        cases.put("expired", expiring);
        cases.put("revoked", revoked);
        cases.put("reused", singleUse);
        Map<String, String> expected = Map.of(
                "garbage", "is not a join token", // refused by the launcher, before a node starts
                "wrong-secret", "unknown token or wrong secret",
                "expired", "expired",
                "revoked", "revoked",
                "reused", "used up");
        Map<String, Node> agents = new LinkedHashMap<>();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            agents.put(c.getKey(), outpost.agent(c.getKey(), port, "--token", c.getValue()));
        }
        // asked to keep trying, a refused agent stays up and tries again
        Node retrying = outpost.agent("retrying", port, "--token", cases.get("wrong-secret"), "--retry-join");

        for (Map.Entry<String, Node> agent : agents.entrySet()) {
            String reason = expected.get(agent.getKey());
            await(agent.getKey() + " refused (" + reason + ")", Duration.ofSeconds(90),
                    () -> agent.getValue().output().contains(reason));
            String line = agent.getValue().output().lines().filter(l -> l.contains(reason)).findFirst().orElseThrow();
            assertTrue(line.startsWith("outpost: "), line);
            assertFalse(line.contains(cases.get(agent.getKey()).substring(Math.max(0, cases.get(agent.getKey()).length() - 16))),
                    "the secret is not echoed: " + line);
        }
        // a refused join ends the node with a non-zero status (a service manager shows the failure)
        agents.put("wrong-ca", wrongCa);
        for (Map.Entry<String, Node> agent : agents.entrySet()) {
            Process process = agent.getValue().process();
            assertTrue(process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS), agent.getKey() + " exits after its refusal");
            assertTrue(process.exitValue() != 0, agent.getKey() + " exits non-zero, not " + process.exitValue());
        }
        String retried = "unknown token or wrong secret";
        await("the retrying agent refused", Duration.ofSeconds(90), () -> retrying.output().contains(retried));
        Instant firstRefusal = Instant.now();
        // refusals are retried every 5 s: two more attempts later it is still up
        awaitValue("two retries later", Duration.ofSeconds(30), Instant::now, now -> now.isAfter(firstRefusal.plusSeconds(12)));
        assertTrue(retrying.process().isAlive(), "--retry-join keeps the node up: " + retrying.output());
        retrying.kill9();
        assertTrue(metric(joinRequests) - joinRequestsBefore >= 4, "the other agents' joins reached the server");
        for (String name : new String[] {"garbage", "wrong-secret", "expired", "revoked", "reused", "wrong-ca", "retrying"}) {
            assertEquals("absent", outpost.status(server, name), name + " must not be registered");
        }
        assertEquals("Ready", outpost.status(server, "gw-ok"));
        assertTrue(first.process().isAlive());

        // The server's answers, straight from the API: JSON with a code, 401 or 403.
        assertJoinRefused("not-a-token", 401, "unauthorized");
        assertJoinRefused(cases.get("wrong-secret"), 401, "unauthorized");
        assertJoinRefused("K10" + otherHash + "::server:0123456789abcdef0123", 401, "unauthorized");
        assertJoinRefused(expiring, 403, "forbidden");
        assertJoinRefused(revoked, 403, "forbidden");
        assertJoinRefused(singleUse, 403, "forbidden");
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(url("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        String log = Files.readString(outpost.dir("srv").resolve("data/log/karaf.log"));
        assertFalse(log.contains("0123456789abcdef0123456789abcdef"), "no presented secret in the server log");
        assertFalse(log.contains(nodeToken.substring(nodeToken.lastIndexOf(':') + 1)), "node token secret never logged");
    }

    private void assertJoinRefused(String token, int status, String code) throws Exception {
        String csr = org.outpost.security.NodeKeys.createCsrPem(org.outpost.security.NodeKeys.generateKeyPair(), "probe");
        String body = OutpostProcesses.JSON.writeValueAsString(Map.of("token", token, "nodeName", "probe", "csr", csr));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url("/v1/join"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), response.body());
        JsonNode json = OutpostProcesses.JSON.readTree(response.body());
        assertEquals(code, json.path("code").asText(), response.body());
        assertFalse(json.path("message").asText().isBlank());
    }

    private String createToken(String... options) throws Exception {
        String[] args = new String[options.length + 2];
        args[0] = "edge:token";
        args[1] = "create";
        System.arraycopy(options, 0, args, 2, options.length);
        OutpostProcesses.Result result = outpost.shell(server, args);
        assertEquals(0, result.exitCode(), result.output());
        return result.output().trim();
    }

    private static String idOf(String scopedToken) {
        String tail = scopedToken.substring(scopedToken.indexOf("::") + 2);
        return tail.substring(0, tail.indexOf('.'));
    }

    private Instant expiryOf(String id) {
        try {
            JsonNode list = outpost.shellJson(server, "edge:token", "list", "-o", "json");
            for (JsonNode token : list.isArray() ? list : list.path("items")) {
                if (token.path("id").asText().equals(id)) {
                    return Instant.parse(token.path("expires").asText());
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("token " + id + " not listed");
    }

    private long metric(String series) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url("/metrics"))
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> (long) Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0L);
    }

    private URI url(String path) {
        return URI.create("https://127.0.0.1:" + port + path);
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("outpost-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
