package org.outpost.kura.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The gateway's REST port over real TLS sockets: the credential is checked before a body is read,
 * pipelined requests are answered in order, and malformed URLs get a JSON 400 on a connection
 * that stays usable.
 */
class GatewayRestServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private GatewayRestServer server;
    private ExecutorService workers;
    private String token;
    private SSLContext client;

    /** Answers with the path below its base and the query; {@code /slow} takes 300 ms. */
    private final RestResource echo = new RestResource() {
        @Override
        public String basePath() {
            return "/services/test";
        }

        @Override
        public RestResponse handle(RestRequest request) throws Exception {
            if (request.path().equals("/slow")) {
                Thread.sleep(300);
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("path", request.path());
            answer.put("query", request.query());
            return RestResponse.ok(answer);
        }
    };

    @BeforeEach
    void start() throws Exception {
        Path rest = Files.createDirectories(dir.resolve("rest"));
        GatewayCredential credential = GatewayCredential.loadOrCreate(rest.resolve("admin-token"));
        token = Files.readString(rest.resolve("admin-token"), StandardCharsets.UTF_8).trim();
        workers = Executors.newFixedThreadPool(2);
        server = new GatewayRestServer(new InetSocketAddress("127.0.0.1", 0),
                GatewayRestComponent.sslContext(rest, InetAddress.getByName("127.0.0.1")), 64 << 20, credential,
                path -> path.equals("/services/test") || path.startsWith("/services/test/") ? echo : null, workers);
        client = trusting(rest.resolve("ca.crt"));
    }

    /** A TLS client context that trusts the gateway's own CA and nothing else. */
    static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream ca = Files.newInputStream(caFile)) {
            trusted.setCertificateEntry("gateway-ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    @AfterEach
    void stop() {
        server.close();
        workers.shutdownNow();
    }

    @Test
    void withoutTheCredentialTheAnswerIs401BeforeTheBodyIsSentAndTheConnectionCloses() throws IOException {
        try (SSLSocket socket = connect()) {
            // announces 50 MiB and sends none of it: the gateway must not wait for (or gather) the body
            send(socket, "POST /services/test/_upload HTTP/1.1\r\nHost: gw\r\nContent-Type: application/octet-stream\r\n"
                    + "Expect: 100-continue\r\nContent-Length: " + (50 << 20) + "\r\n\r\n");
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Answer answer = Answer.read(in);

            assertEquals(401, answer.status(), answer.toString());
            assertEquals("unauthorized", answer.json().path("code").asText(), answer.toString());
            assertEquals("Basic realm=\"outpost\"", answer.headers().get("www-authenticate"));
            assertEquals(-1, in.read(), "the connection is closed");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheOrderTheyCame() throws IOException {
        try (SSLSocket socket = connect()) {
            send(socket, get("/services/test/slow") + get("/services/test/fast") + get("/services/nothing-here"));
            InputStream in = new BufferedInputStream(socket.getInputStream());

            Answer slow = Answer.read(in);
            Answer fast = Answer.read(in);
            Answer missing = Answer.read(in);

            assertEquals("/slow", slow.json().path("path").asText(), slow.toString());
            assertEquals("/fast", fast.json().path("path").asText(), fast.toString());
            assertEquals(404, missing.status(), missing.toString());
            assertEquals("not_found", missing.json().path("code").asText());
        }
    }

    @Test
    void malformedUrlsGetAJson400AndTheConnectionStaysUsable() throws IOException {
        try (SSLSocket socket = connect()) {
            InputStream in = new BufferedInputStream(socket.getInputStream());

            send(socket, get("/services/test/%zz"));
            Answer badPath = Answer.read(in);
            assertEquals(400, badPath.status(), badPath.toString());
            assertEquals("invalid_argument", badPath.json().path("code").asText());

            send(socket, get("/services/test/?x=%zz"));
            Answer badQuery = Answer.read(in);
            assertEquals(400, badQuery.status(), badQuery.toString());
            assertEquals("invalid_argument", badQuery.json().path("code").asText());

            // decoded once: %25 is a percent sign, %252F the three characters %2F, not a slash
            send(socket, get("/services/test/100%25") + get("/services/test/a%252Fb?name=x%20y"));
            Answer percent = Answer.read(in);
            Answer encodedSlash = Answer.read(in);
            assertEquals("/100%", percent.json().path("path").asText(), percent.toString());
            assertEquals("/a%2Fb", encodedSlash.json().path("path").asText(), encodedSlash.toString());
            assertEquals("x y", encodedSlash.json().path("query").path("name").path(0).asText(), encodedSlash.toString());
        }
    }

    private SSLSocket connect() throws IOException {
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", server.localAddress().getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + token + "\r\n\r\n";
    }

    private static void send(SSLSocket socket, String requests) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(requests.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One HTTP/1.1 response with a Content-Length body. */
    private record Answer(int status, Map<String, String> headers, String body) {

        static Answer read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed in the middle of a response: " + bytes);
                }
                if (b != '\r') {
                    bytes.write(b);
                }
            }
            return bytes.toString(StandardCharsets.US_ASCII);
        }

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }
}
