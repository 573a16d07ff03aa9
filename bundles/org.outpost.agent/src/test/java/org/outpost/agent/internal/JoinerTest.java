package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.security.CertifiedKey;
import org.outpost.security.ClusterCa;
import org.outpost.security.ParsedJoinToken;
import org.outpost.security.Pem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * The agent's side of a join against a small HTTPS endpoint signed by a real cluster CA: the node
 * password is made once, kept owner-only and sent at every join.
 */
class JoinerTest {
    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final BlockingQueue<JsonNode> requests = new LinkedBlockingQueue<>();
    /** When set, the endpoint answers with this status and JSON error instead of a certificate. */
    private final AtomicReference<String[]> refusal = new AtomicReference<>();
    private ClusterCa ca;
    private HttpsServer endpoint;
    private String token;

    @BeforeEach
    void start() throws Exception {
        ca = ClusterCa.loadOrCreate(dir.resolve("ca"));
        CertifiedKey serverKey = ca.issueServerCertificate(Set.of("localhost"), Set.of(InetAddress.getLoopbackAddress()),
                Duration.ofDays(1));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", serverKey.privateKey(), new char[0], new Certificate[] {serverKey.certificate(), ca.certificate()});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(factory.getKeyManagers(), null, null);
        endpoint = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.setHttpsConfigurator(new HttpsConfigurator(tls));
        endpoint.createContext("/v1/join", exchange -> {
            JsonNode request = json.readTree(exchange.getRequestBody());
            requests.add(request);
            String[] refused = refusal.get();
            ObjectNode answer = json.createObjectNode();
            int status = 200;
            if (refused != null) {
                status = Integer.parseInt(refused[0]);
                answer.put("code", refused[1]).put("message", refused[2]);
            } else {
                String name = request.path("nodeName").asText();
                answer.put("node", name);
                answer.put("certificate", Pem.encodeCertificates(List.of(ca.signNodeCsr(request.path("csr").asText(), name,
                        Duration.ofDays(1)))));
                answer.put("ca", Pem.encodeCertificate(ca.certificate()));
            }
            byte[] body = json.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        endpoint.start();
        token = ParsedJoinToken.formatNodeToken(ca.certificateHash(), "0123456789abcdef0123456789abcdef");
    }

    @AfterEach
    void stop() {
        endpoint.stop(0);
    }

    private URI server() {
        return URI.create("https://127.0.0.1:" + endpoint.getAddress().getPort());
    }

    private JsonNode nextRequest() throws InterruptedException {
        JsonNode request = requests.poll(30, TimeUnit.SECONDS);
        assertTrue(request != null, "the endpoint received a join");
        return request;
    }

    @Test
    void theNodePasswordIsMadeOnceKeptOwnerOnlyAndSentAtEveryJoin() throws Exception {
        Path identityDir = dir.resolve("agent");
        Files.createDirectories(identityDir);

        NodeIdentity first = new Joiner(json).join(server(), token, "gw-2", identityDir, Optional.empty());
        String sent = nextRequest().path("nodePassword").asText();

        Path file = identityDir.resolve(NodeIdentity.PASSWORD);
        assertEquals(sent, Files.readString(file, StandardCharsets.UTF_8).trim());
        assertTrue(sent.length() >= 32, sent);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        // a re-join, with the identity kept and with it lost: the same password each time
        new Joiner(json).join(server(), token, "gw-2", identityDir, Optional.of(first));
        assertEquals(sent, nextRequest().path("nodePassword").asText());
        Files.delete(identityDir.resolve(NodeIdentity.CERTIFICATE));
        Files.delete(identityDir.resolve(NodeIdentity.KEY));
        new Joiner(json).join(server(), token, "gw-2", identityDir, Optional.empty());
        assertEquals(sent, nextRequest().path("nodePassword").asText());
    }

    @Test
    void anotherDataDirectoryHasAnotherPassword() throws Exception {
        Path one = Files.createDirectories(dir.resolve("one/agent"));
        Path two = Files.createDirectories(dir.resolve("two/agent"));

        new Joiner(json).join(server(), token, "gw-2", one, Optional.empty());
        new Joiner(json).join(server(), token, "gw-2", two, Optional.empty());

        assertNotEquals(nextRequest().path("nodePassword").asText(), nextRequest().path("nodePassword").asText());
    }

    @Test
    void aNameTakenByAnotherNodeIsRefusedWithTheServersReason() throws Exception {
        Path identityDir = Files.createDirectories(dir.resolve("agent"));
        refusal.set(new String[] {"409", "already_exists", "node gw-2 already exists; delete it first with edge:node-delete gw-2"});

        JoinRefusedException refused = assertThrows(JoinRefusedException.class,
                () -> new Joiner(json).join(server(), token, "gw-2", identityDir, Optional.empty()));

        assertEquals("server refused the join (409): node gw-2 already exists; delete it first with edge:node-delete gw-2",
                refused.getMessage());
        assertFalse(Files.exists(identityDir.resolve(NodeIdentity.CERTIFICATE)), "no identity without a certificate");
        assertTrue(Files.exists(identityDir.resolve(NodeIdentity.PASSWORD)), "the password stays for the next attempt");
    }

    @Test
    void aBusyOrRateLimitingServerIsNotARefusal() throws Exception {
        Path identityDir = Files.createDirectories(dir.resolve("agent"));
        for (String status : new String[] {"429", "503"}) {
            refusal.set(new String[] {status, "too_many_requests", "too many joins from 127.0.0.1; try again in 6 s"});
            java.io.IOException busy = assertThrows(java.io.IOException.class,
                    () -> new Joiner(json).join(server(), token, "gw-2", identityDir, Optional.empty()),
                    "HTTP " + status + " is worth another attempt, so it must not end a node that exits on refusals");
            assertTrue(busy.getMessage().startsWith("server cannot take the join now (" + status + ")"), busy.getMessage());
        }
    }

    @Test
    void aPasswordFileEmptiedByHandIsReplaced() throws Exception {
        Path identityDir = Files.createDirectories(dir.resolve("agent"));
        Files.writeString(identityDir.resolve(NodeIdentity.PASSWORD), "\n");

        String password = NodeIdentity.nodePassword(identityDir);

        assertTrue(password.length() >= 32, password);
        assertEquals(password, NodeIdentity.nodePassword(identityDir));
    }
}
