package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.security.NodeKeys;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The HTTPS port's limits on real TLS sockets: what an unauthenticated client can make the server
 * hold (a body, a connection, a half-sent head) is bounded.
 */
class HttpsPortLimitsTest {
    @TempDir
    Path dir;

    private ServerFixture server;
    private HttpsServer https;
    private final List<SSLSocket> sockets = new ArrayList<>();

    private record Response(int status, String body) {
        JsonNode json() throws IOException {
            return ServerFixture.newJson().readTree(body);
        }
    }

    @BeforeEach
    void fixture() throws Exception {
        server = new ServerFixture(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (SSLSocket socket : sockets) {
            socket.close();
        }
        if (https != null) {
            https.close();
        }
        server.close();
    }

    private void start(HttpsLimits limits) throws Exception {
        var serverKey = server.ca.issueServerCertificate(Set.of("localhost"), Set.of(InetAddress.getLoopbackAddress()),
                Duration.ofDays(1));
        https = new HttpsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                HttpsServer.tls(serverKey, server.ca.certificate()), server.context, limits, Clock.systemUTC());
    }

    /** A TLS connection with its handshake done; with a node certificate if {@code node} is given. */
    private SSLSocket connect(String node) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", server.ca.certificate());
        TrustManagerFactory trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustFactory.init(trust);
        KeyManagerFactory keyFactory = null;
        if (node != null) {
            KeyPair keys = NodeKeys.generateKeyPair();
            X509Certificate certificate = server.ca.signNodeCsr(NodeKeys.createCsrPem(keys, node), node, Duration.ofDays(1));
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            identity.setKeyEntry("node", keys.getPrivate(), new char[0], new Certificate[] {certificate, server.ca.certificate()});
            keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyFactory.init(identity, new char[0]);
        }
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(keyFactory == null ? null : keyFactory.getKeyManagers(), trustFactory.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), https.localAddress().getPort());
        sockets.add(socket);
        socket.setSoTimeout((int) Await.DEADLINE.toMillis());
        socket.startHandshake();
        return socket;
    }

    private static void send(SSLSocket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one response: status line, headers, then the body its Content-Length names. */
    private static Response read(SSLSocket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                fail("the connection closed before a response; got " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        int length = 0;
        for (String line : lines) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new Response(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    /** Whether the server closed the connection, seen as the end of its stream. */
    private static void assertClosedByServer(SSLSocket socket) throws IOException {
        try {
            assertEquals(-1, socket.getInputStream().read(), "nothing more after the answer");
        } catch (SocketTimeoutException e) {
            fail("the server kept the connection open");
        } catch (IOException e) {
            // a reset is a close too
        }
    }

    @Test
    void aMegabyteBodyWithoutTheCredentialIsRefusedBeforeItIsSent() throws Exception {
        start(HttpsLimits.defaults());
        for (String authorization : new String[] {"", "Authorization: Bearer wrong-" + server.adminToken + "\r\n"}) {
            SSLSocket socket = connect(null);

            // only the head: a server that waited for the body before answering would never answer
            send(socket, "POST /v1/workloads HTTP/1.1\r\nHost: localhost\r\n" + authorization
                    + "Content-Type: application/yaml\r\nContent-Length: 1048576\r\n\r\n");

            Response response = read(socket);
            assertEquals(401, response.status(), response.body());
            assertEquals("unauthorized", response.json().path("code").asText());
            assertClosedByServer(socket);
        }
    }

    @Test
    void theConnectionBeyondTheUnauthenticatedLimitGets503() throws Exception {
        start(new HttpsLimits(2, Duration.ofSeconds(30), Duration.ofSeconds(60), 10, 10));
        connect(null);
        connect(null);

        SSLSocket third = connect(null);
        send(third, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Response refused = read(third);
        assertEquals(503, refused.status(), refused.body());
        assertEquals("unavailable", refused.json().path("code").asText());
        assertClosedByServer(third);

        SSLSocket agent = connect("gw-1");
        send(agent, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertEquals(200, read(agent).status(), "a node with its certificate is not held back by unauthenticated connections");
        SSLSocket admin = connect(null);
        send(admin, "GET /v1/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + server.adminToken + "\r\n\r\n");
        assertEquals(503, read(admin).status(), "the credential is only seen on a request the limit lets through");
    }

    @Test
    void aClientThatTricklesItsHeadIsClosedAfterTheHeaderTimeout() throws Exception {
        start(new HttpsLimits(64, Duration.ofSeconds(1), Duration.ofSeconds(60), 10, 10));
        SSLSocket socket = connect(null);
        socket.setSoTimeout(100);
        send(socket, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
        long started = System.nanoTime();

        boolean closed = false;
        while (!closed && System.nanoTime() - started < Await.DEADLINE.toNanos()) {
            try {
                send(socket, "a");
                closed = socket.getInputStream().read() < 0;
            } catch (SocketTimeoutException e) {
                // still open: one more byte of the header
            } catch (IOException e) {
                closed = true;
            }
        }

        assertTrue(closed, "the server closed the trickling connection");
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(900).toNanos(), "not before the header timeout");
        Await.until("the timeout is counted", () -> server.metrics.httpTimeouts.sum() == 1);
    }

    @Test
    void anIdleConnectionThatNeverAuthenticatedIsClosed() throws Exception {
        start(new HttpsLimits(64, Duration.ofSeconds(1), Duration.ofSeconds(60), 10, 10));
        SSLSocket socket = connect(null);
        send(socket, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertEquals(200, read(socket).status());

        assertClosedByServer(socket);
    }

    @Test
    void anAuthenticatedConnectionOutlivesTheHeaderTimeout() throws Exception {
        start(new HttpsLimits(64, Duration.ofSeconds(1), Duration.ofSeconds(60), 10, 10));
        SSLSocket socket = connect(null);
        String status = "GET /v1/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + server.adminToken + "\r\n\r\n";
        send(socket, status);
        assertEquals(200, read(socket).status());
        SSLSocket unauthenticated = connect(null);
        assertClosedByServer(unauthenticated); // waits past the header timeout

        send(socket, status);
        assertEquals(200, read(socket).status(), "an admin connection idles up to the idle timeout");
    }
}
