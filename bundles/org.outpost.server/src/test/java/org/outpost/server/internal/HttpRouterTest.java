package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.NodeUsage;
import org.outpost.security.NodeKeys;
import org.outpost.security.Pem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

/** The HTTP surface (router, admin API, join, metrics) through an embedded channel, without TLS or sockets. */
class HttpRouterTest {

    @TempDir
    Path dir;

    private ServerFixture server;
    private final Outbox outbox = new Outbox();
    private EmbeddedChannel channel;
    private String admin;

    /** A response as the client sees it. */
    private record Response(int status, String contentType, String body, String connection, String nosniff) {
        JsonNode json() throws Exception {
            assertEquals("application/json", contentType, body);
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        }

        /** A JSON error with this status and code. */
        JsonNode error(int expectedStatus, String code) throws Exception {
            assertEquals(expectedStatus, status, body);
            JsonNode error = json();
            assertEquals(code, error.path("code").asText(), body);
            assertFalse(error.path("message").asText().isEmpty(), body);
            return error;
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new ServerFixture(dir);
        admin = "Bearer " + server.adminToken;
        channel = new EmbeddedChannel(outbox, new HttpObjectAggregator(1 << 20),
                new HttpRouter(server.context, new AdminApi(server.context)));
    }

    @AfterEach
    void stop() throws Exception {
        channel.finishAndReleaseAll();
        outbox.releaseAll();
        server.close();
    }

    private static FullHttpRequest request(HttpMethod method, String uri, String authorization, String body) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                Unpooled.wrappedBuffer(content));
        request.headers().set(HttpHeaderNames.HOST, "localhost");
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.length);
        if (authorization != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        if (body != null) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        }
        return request;
    }

    private Response next() {
        FullHttpResponse response = outbox.next(FullHttpResponse.class, "an HTTP response");
        try {
            String body = response.content().toString(StandardCharsets.UTF_8);
            assertEquals(response.content().readableBytes(), response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH));
            return new Response(response.status().code(), response.headers().get(HttpHeaderNames.CONTENT_TYPE), body,
                    response.headers().get(HttpHeaderNames.CONNECTION), response.headers().get("X-Content-Type-Options"));
        } finally {
            response.release();
        }
    }

    private Response exchange(HttpMethod method, String uri, String authorization, String body) {
        channel.writeInbound(request(method, uri, authorization, body));
        return next();
    }

    private Response get(String uri) {
        return exchange(HttpMethod.GET, uri, admin, null);
    }

    private String joinBody(String token, String nodeName, String csr) {
        ObjectNode body = server.json.createObjectNode();
        body.put("token", token);
        body.put("nodeName", nodeName);
        body.put("csr", csr);
        return body.toString();
    }

    private X509Certificate join(String nodeName, KeyPair keys) throws Exception {
        Response response = exchange(HttpMethod.POST, "/v1/join", null,
                joinBody(server.tokens.nodeToken(), nodeName, NodeKeys.createCsrPem(keys, nodeName)));
        assertEquals(200, response.status(), response.body());
        return Pem.decodeCertificates(response.json().path("certificate").asText()).get(0);
    }

    /** The value of one sample line, e.g. {@code outpost_nodes{status="Ready"}}. */
    private static long sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), () -> "no sample " + series + " in\n" + metrics);
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void healthzNeedsNoCredential() throws Exception {
        Response response = exchange(HttpMethod.GET, "/healthz", null, null);

        assertEquals(200, response.status());
        JsonNode body = response.json();
        assertEquals("ok", body.path("status").asText());
        assertEquals(server.store.revision(), body.path("revision").asLong());
        assertEquals("nosniff", response.nosniff());
        assertEquals("keep-alive", response.connection());
        assertTrue(channel.isOpen(), "keep-alive requests keep the connection");
    }

    @Test
    void adminResourcesNeedTheAdminCredential() throws Exception {
        exchange(HttpMethod.GET, "/v1/nodes", null, null).error(401, "unauthorized");
        exchange(HttpMethod.GET, "/v1/nodes", "Bearer wrong-" + server.adminToken, null).error(401, "unauthorized");
        exchange(HttpMethod.GET, "/v1/nodes", "Basic " + server.adminToken, null).error(401, "unauthorized");
        exchange(HttpMethod.GET, "/v1/nodes", server.adminToken, null).error(401, "unauthorized");
        exchange(HttpMethod.GET, "/metrics", null, null).error(401, "unauthorized");
        exchange(HttpMethod.GET, "/v1/tokens", "Bearer ", null).error(401, "unauthorized");
        exchange(HttpMethod.GET, "/v1/nosuch", null, null).error(401, "unauthorized");

        Response ok = exchange(HttpMethod.GET, "/v1/nodes", admin, null);
        assertEquals(200, ok.status(), ok.body());
        assertTrue(ok.json().path("items").isArray(), ok.body());
        assertEquals(200, exchange(HttpMethod.GET, "/v1/nodes", "bearer " + server.adminToken, null).status(),
                "the scheme is case-insensitive");
    }

    @Test
    void nodesAreListed() throws Exception {
        server.registry.registerJoin("gw-1", "a1");
        server.registry.registerJoin("gw-2", "b2");
        server.registry.hello("gw-1", "a1", "192.0.2.7", "1.2.3", Map.of("site", "a"), NodeUsage.UNKNOWN);

        JsonNode items = get("/v1/nodes").json().path("items");

        assertEquals(2, items.size(), items.toString());
        assertEquals("gw-1", items.get(0).path("name").asText());
        assertEquals("Ready", items.get(0).path("status").asText());
        assertEquals("a", items.get(0).path("labels").path("site").asText());
        assertEquals("agent", items.get(0).path("roles").get(0).asText());
        assertEquals("gw-2", items.get(1).path("name").asText());
        assertEquals("NotReady", items.get(1).path("status").asText());
    }

    @Test
    void unknownPathIsNotFound() throws Exception {
        get("/v1/nosuch").error(404, "not_found");
        get("/").error(404, "not_found");
        get("/v1/nodes/gw-1/extra").error(404, "not_found");
    }

    @Test
    void wrongMethodIsNotAllowed() throws Exception {
        exchange(HttpMethod.PUT, "/v1/nodes", admin, "{}").error(405, "method_not_allowed");
        exchange(HttpMethod.POST, "/healthz", null, null).error(405, "method_not_allowed");
        exchange(HttpMethod.GET, "/v1/join", null, null).error(405, "method_not_allowed");
        exchange(HttpMethod.POST, "/v1/nodes/gw-1", admin, "{}").error(405, "method_not_allowed");
        exchange(HttpMethod.GET, "/v1/tokens/abcdef", admin, null).error(405, "method_not_allowed");
        exchange(HttpMethod.DELETE, "/metrics", admin, null).error(405, "method_not_allowed");
    }

    @Test
    void notAllowedIsValidJsonForAnyPath() throws Exception {
        JsonNode error = exchange(HttpMethod.POST, "/v1/nodes/a%22b", admin, "{}").error(405, "method_not_allowed");
        assertTrue(error.path("message").asText().contains("/v1/nodes/a\"b"), error.toString());
    }

    @Test
    void malformedJoinBodyIsABadRequest() throws Exception {
        JsonNode error = exchange(HttpMethod.POST, "/v1/join", null, "{\"token\": ").error(400, "invalid_argument");
        assertTrue(error.path("message").asText().contains("JSON"), error.toString());

        exchange(HttpMethod.POST, "/v1/join", null, "{\"token\":\"x\"}").error(400, "invalid_argument");
        exchange(HttpMethod.POST, "/v1/join", null, "").error(400, "invalid_argument");
        assertEquals(0, server.metrics.joinsRefused.sum(), "requests that carry no token are not refused joins");
    }

    @Test
    void joinWithABadTokenIsUnauthorizedAndCounted() throws Exception {
        KeyPair keys = NodeKeys.generateKeyPair();
        String secret = "0123456789abcdef".repeat(2);
        String token = "K10" + server.ca.certificateHash() + "::server:" + secret;

        JsonNode error = exchange(HttpMethod.POST, "/v1/join", null,
                joinBody(token, "gw-1", NodeKeys.createCsrPem(keys, "gw-1"))).error(401, "unauthorized");

        assertFalse(error.toString().contains(secret), error.toString());
        assertTrue(server.registry.get("gw-1").isEmpty());
        String metrics = get("/metrics").body();
        assertEquals(1, sample(metrics, "outpost_joins_refused_total"));
        assertEquals(0, sample(metrics, "outpost_joins_total"));
    }

    @Test
    void telemetryShowsWhatTheIngestBudgetHeldBackPerNode() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode batch = server.json.createObjectNode();
        batch.put("type", "readings").put("batch", 1);
        com.fasterxml.jackson.databind.node.ArrayNode items = batch.putArray("items");
        for (int i = 1; i <= 500; i++) {
            items.addObject().put("seq", i).put("priority", 5).put("data", java.util.Base64.getEncoder().encodeToString(
                    org.outpost.api.device.TelemetryCodec.encode(org.outpost.api.device.Reading.good("d", "c", i, 1.0))));
        }
        for (int i = 0; i < 3; i++) {
            server.context.devices().readings("gw-1", "s", batch);
            items.forEach(item -> ((com.fasterxml.jackson.databind.node.ObjectNode) item).put("seq", item.path("seq").asLong() + 500));
        }
        JsonNode node = get("/v1/telemetry").json().path("items").get(0);
        assertEquals("gw-1", node.path("node").asText());
        assertEquals(1_500, node.path("received").asLong());
        assertEquals(1_000, node.path("budgetPerSecond").asLong());
        assertTrue(node.path("throttled").asLong() >= 500, node.toString());
        assertTrue(sample(get("/metrics").body(), "outpost_ingest_throttled_total{node=\"gw-1\"}") >= 500);
    }

    @Test
    void validJoinIssuesACertificateForTheNode() throws Exception {
        KeyPair keys = NodeKeys.generateKeyPair();
        Response response = exchange(HttpMethod.POST, "/v1/join", null,
                joinBody(server.tokens.nodeToken(), "gw-1", NodeKeys.createCsrPem(keys, "gw-1")));

        assertEquals(200, response.status(), response.body());
        JsonNode body = response.json();
        assertEquals("gw-1", body.path("node").asText());
        X509Certificate certificate = Pem.decodeCertificates(body.path("certificate").asText()).get(0);
        assertEquals("gw-1", NodeKeys.nodeNameOf(certificate));
        assertEquals(keys.getPublic(), certificate.getPublicKey(), "the agent's own key is certified");
        assertEquals(server.ca.certificate(), Pem.decodeCertificate(body.path("ca").asText()));
        certificate.verify(server.ca.certificate().getPublicKey());
        PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(server.ca.certificate(), null)));
        pkix.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate)), pkix);
        assertTrue(certificate.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.2"), "a client certificate");

        NodeSpec spec = server.json.readValue(server.store.get(StoreKeys.NODES + "gw-1").orElseThrow().value(),
                NodeSpec.class);
        assertEquals(certificate.getSerialNumber().toString(16), spec.certSerial());
        assertEquals(1, server.metrics.joins.sum());
        assertEquals(0, server.metrics.joinsRefused.sum());
    }

    @Test
    void joinWithAnInvalidNodeNameIsABadRequest() throws Exception {
        KeyPair keys = NodeKeys.generateKeyPair();

        exchange(HttpMethod.POST, "/v1/join", null,
                joinBody(server.tokens.nodeToken(), "Not A Name", NodeKeys.createCsrPem(keys, "gw-1")))
                .error(400, "invalid_argument");
        exchange(HttpMethod.POST, "/v1/join", null, joinBody(server.tokens.nodeToken(), "gw-1", "not a csr"))
                .error(400, "invalid_argument");

        assertTrue(server.registry.list().isEmpty());
    }

    @Test
    void nodeIsReadPatchedAndDeleted() throws Exception {
        join("gw-1", NodeKeys.generateKeyPair());

        JsonNode node = get("/v1/nodes/gw-1").json();
        assertEquals("gw-1", node.path("name").asText());
        assertEquals("NotReady", node.path("status").asText());

        Response patched = exchange(HttpMethod.PATCH, "/v1/nodes/gw-1", admin,
                "{\"labels\":{\"site\":\"plant-a\",\"tier\":\"edge\"}}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals("plant-a", patched.json().path("labels").path("site").asText());
        assertEquals(Map.of("site", "plant-a", "tier", "edge"), server.registry.get("gw-1").orElseThrow().labels());

        JsonNode removed = exchange(HttpMethod.PATCH, "/v1/nodes/gw-1", admin, "{\"labels\":{\"tier\":null}}").json();
        assertEquals("{\"site\":\"plant-a\"}", removed.path("labels").toString());

        exchange(HttpMethod.PATCH, "/v1/nodes/gw-1", admin, "{\"labels\":{\"n\":1}}").error(400, "invalid_argument");
        exchange(HttpMethod.PATCH, "/v1/nodes/gw-1", admin, "{\"site\":\"x\"}").error(400, "invalid_argument");
        exchange(HttpMethod.PATCH, "/v1/nodes/gw-1", admin, "{labels").error(400, "invalid_argument");
        exchange(HttpMethod.PATCH, "/v1/nodes/ghost", admin, "{\"labels\":{}}").error(404, "not_found");

        Response deleted = exchange(HttpMethod.DELETE, "/v1/nodes/gw-1", admin, null);
        assertEquals(200, deleted.status(), deleted.body());
        assertEquals("gw-1", deleted.json().path("deleted").asText());
        get("/v1/nodes/gw-1").error(404, "not_found");
        exchange(HttpMethod.DELETE, "/v1/nodes/gw-1", admin, null).error(404, "not_found");
    }

    @Test
    void tokensAreCreatedListedAndRevoked() throws Exception {
        Response created = exchange(HttpMethod.POST, "/v1/tokens", admin,
                "{\"ttlSeconds\":3600,\"maxUses\":2,\"description\":\"line 4\"}");

        assertEquals(201, created.status(), created.body());
        JsonNode token = created.json();
        String id = token.path("id").asText();
        String whole = token.path("token").asText();
        assertTrue(whole.startsWith("K10" + server.ca.certificateHash() + "::" + id + "."), whole);
        assertEquals("line 4", token.path("description").asText());
        assertEquals(2, token.path("maxUses").asInt());
        assertEquals(ServerFixture.START.plusSeconds(3600).toString(), token.path("expires").asText());
        String secret = whole.substring(whole.lastIndexOf('.') + 1);

        Response listed = get("/v1/tokens");
        assertEquals(200, listed.status());
        assertFalse(listed.body().contains(secret), listed.body());
        List<String> ids = new ArrayList<>();
        for (JsonNode item : listed.json().path("items")) {
            ids.add(item.path("id").asText());
            assertFalse(item.has("token"), item.toString());
        }
        assertEquals(List.of(id, "server").stream().sorted().toList(), ids.stream().sorted().toList());

        X509Certificate joined = Pem.decodeCertificates(exchange(HttpMethod.POST, "/v1/join", null,
                joinBody(whole, "gw-7", NodeKeys.createCsrPem(NodeKeys.generateKeyPair(), "gw-7"))).json()
                .path("certificate").asText()).get(0);
        assertEquals("gw-7", NodeKeys.nodeNameOf(joined), "the created token joins");

        assertEquals(id, exchange(HttpMethod.DELETE, "/v1/tokens/" + id, admin, null).json().path("revoked").asText());
        for (JsonNode item : get("/v1/tokens").json().path("items")) {
            if (item.path("id").asText().equals(id)) {
                assertTrue(item.path("revoked").asBoolean());
                assertEquals(1, item.path("uses").asInt());
            }
        }
        exchange(HttpMethod.POST, "/v1/join", null,
                joinBody(whole, "gw-8", NodeKeys.createCsrPem(NodeKeys.generateKeyPair(), "gw-8")))
                .error(403, "forbidden");
        exchange(HttpMethod.DELETE, "/v1/tokens/nosuch", admin, null).error(404, "not_found");
        exchange(HttpMethod.POST, "/v1/tokens", admin, "{\"maxUses\":-1}").error(400, "invalid_argument");
    }

    @Test
    void tokenWithoutBodyNeverExpires() throws Exception {
        Response created = exchange(HttpMethod.POST, "/v1/tokens", admin, null);

        assertEquals(201, created.status(), created.body());
        assertTrue(created.json().path("expires").isNull(), created.body());
        assertEquals(0, created.json().path("maxUses").asInt());
    }

    @Test
    void statusSummarisesTheServer() throws Exception {
        server.registry.registerJoin("gw-1", "a1");
        server.registry.hello("gw-1", "a1", "", "", Map.of(), NodeUsage.UNKNOWN);
        server.registry.registerJoin("gw-2", "b2");

        JsonNode status = get("/v1/status").json();

        assertEquals("server", status.path("role").asText());
        assertEquals(ServerFixture.SERVER_NODE, status.path("node").asText());
        assertEquals(server.store.revision(), status.path("revision").asLong());
        assertEquals(2, status.path("nodes").path("total").asInt());
        assertEquals(1, status.path("nodes").path("ready").asInt());
        assertEquals(1, status.path("nodes").path("notReady").asInt());
    }

    @Test
    void metricsAreExposedInPrometheusFormat() throws Exception {
        join("gw-1", NodeKeys.generateKeyPair());
        server.registry.hello("gw-1", server.json.readValue(server.store.get(StoreKeys.NODES + "gw-1").orElseThrow()
                .value(), NodeSpec.class).certSerial(), "", "", Map.of(), NodeUsage.UNKNOWN);
        server.metrics.heartbeats.add(3);
        assertEquals(200, exchange(HttpMethod.GET, "/healthz", null, null).status());

        Response response = get("/metrics");

        assertEquals(200, response.status());
        assertTrue(response.contentType().startsWith("text/plain; version=0.0.4"), response.contentType());
        String metrics = response.body();
        assertEquals(1, sample(metrics, "outpost_nodes{status=\"Ready\"}"));
        assertEquals(0, sample(metrics, "outpost_nodes{status=\"NotReady\"}"));
        assertEquals(3, sample(metrics, "outpost_heartbeats_received_total"));
        assertEquals(1, sample(metrics, "outpost_joins_total"));
        assertEquals(server.store.revision(), sample(metrics, "outpost_store_revision"));
        assertEquals(0, sample(metrics, "outpost_agent_connections"));
        assertEquals(1, sample(metrics, "outpost_http_request_duration_seconds_count{route=\"GET /healthz\"}"));
        assertEquals(1, sample(metrics, "outpost_http_request_duration_seconds_bucket{route=\"GET /healthz\",le=\"+Inf\"}"));
        assertEquals(1, sample(metrics, "outpost_http_request_duration_seconds_count{route=\"POST /v1/join\"}"));
        assertTrue(metrics.contains("# TYPE outpost_http_request_duration_seconds histogram"), metrics);

        String again = get("/metrics").body();
        assertEquals(1, sample(again, "outpost_http_request_duration_seconds_count{route=\"GET /metrics\"}"),
                "a scrape is counted once it is answered");
    }

    @Test
    void requestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        List<String> names = List.of("n1", "n2", "n3", "n4", "n5", "n6");
        Object[] requests = names.stream().map(n -> request(HttpMethod.GET, "/v1/nodes/" + n, admin, null)).toArray();

        channel.writeInbound(requests);

        for (String name : names) {
            JsonNode error = next().error(404, "not_found");
            assertTrue(error.path("message").asText().contains(name), error.toString());
        }
    }

    @Test
    void agentChannelWithoutClientCertificateIsUnauthorized() throws Exception {
        FullHttpRequest upgrade = request(HttpMethod.GET, HttpRouter.AGENT_PATH, null, null);
        upgrade.headers().set(HttpHeaderNames.UPGRADE, "websocket");
        upgrade.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
        upgrade.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        upgrade.headers().set(HttpHeaderNames.SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==");

        channel.writeInbound(upgrade);

        JsonNode error = next().error(401, "unauthorized");
        assertTrue(error.path("message").asText().contains("certificate"), error.toString());
        outbox.awaitClosed(channel);
        assertFalse(channel.isOpen(), "the connection is closed after the refusal");
        assertEquals(0, server.sessions.size());
    }

    @Test
    void malformedHttpRequestIsABadRequestAndCloses() throws Exception {
        FullHttpRequest bad = request(HttpMethod.GET, "/healthz", null, null);
        bad.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad header")));

        channel.writeInbound(bad);

        next().error(400, "invalid_argument");
        outbox.awaitClosed(channel);
        assertFalse(channel.isOpen());
    }

    private static final String THERMO = String.join("\n",
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata: {name: thermo}",
            "spec:",
            "  replicas: 3",
            "  selector: {matchLabels: {app: thermo}}",
            "  template:",
            "    metadata: {labels: {app: thermo}}",
            "    spec: {containers: [{name: thermo, image: outpost/busybox:1}]}",
            "");

    @Test
    void workloadsAreAppliedListedScaledRolledBackAndDeleted() throws Exception {
        Response created = exchange(HttpMethod.POST, "/v1/workloads", admin, THERMO);
        assertEquals(201, created.status(), created.body());
        assertEquals("created", created.json().path("items").get(0).path("outcome").asText());
        assertEquals(200, exchange(HttpMethod.POST, "/v1/workloads", admin, THERMO).status(), "unchanged the second time");

        JsonNode list = get("/v1/workloads").json();
        assertEquals("thermo", list.path("items").get(0).path("name").asText());
        assertEquals(3, list.path("items").get(0).path("spec").path("pod").path("replicas").asInt());

        Response scaled = exchange(HttpMethod.POST, "/v1/workloads/default/thermo/scale", admin, "{\"replicas\": 5}");
        assertEquals(200, scaled.status(), scaled.body());
        assertEquals(5, get("/v1/workloads/default/thermo").json().path("spec").path("pod").path("replicas").asInt());
        exchange(HttpMethod.POST, "/v1/workloads/default/thermo/scale", admin, "{\"replicas\": \"many\"}")
                .error(400, "invalid_argument");
        exchange(HttpMethod.POST, "/v1/workloads/default/thermo/rollback", admin, "").error(409, "conflict");

        assertEquals(200, exchange(HttpMethod.POST, "/v1/workloads", admin, THERMO.replace("busybox:1", "busybox:2")).status());
        Response back = exchange(HttpMethod.POST, "/v1/workloads/default/thermo/rollback", admin, "");
        assertEquals(200, back.status(), back.body());
        assertEquals("outpost/busybox:1", back.json().path("spec").path("pod").path("containers").get(0).path("image").asText());
        assertEquals(3, back.json().path("spec").path("pod").path("replicas").asInt(), "the current replica count stays");

        assertEquals(200, exchange(HttpMethod.DELETE, "/v1/workloads/default/thermo", admin, null).status());
        exchange(HttpMethod.GET, "/v1/workloads/default/thermo", admin, null).error(404, "not_found");
        exchange(HttpMethod.DELETE, "/v1/workloads/default/thermo", admin, null).error(404, "not_found");
        exchange(HttpMethod.POST, "/v1/workloads", null, THERMO).error(401, "unauthorized");
    }

    @Test
    void aBadManifestIsRefusedWithItsProblemsAndNothingIsApplied() throws Exception {
        JsonNode error = exchange(HttpMethod.POST, "/v1/workloads", admin, THERMO.replace("image: outpost/busybox:1}",
                "image: outpost/busybox:1, ports: [{containerPort: 80}]}")).error(400, "invalid_argument");
        JsonNode problem = error.path("problems").get(0);
        assertEquals(9, problem.path("line").asInt(), error.toString());
        assertEquals("spec.template.spec.containers[0].ports", problem.path("field").asText());
        assertEquals("Outpost containers run with network mode none; remove ports", problem.path("message").asText());
        assertEquals(0, get("/v1/workloads").json().path("items").size());
    }

    @Test
    void replicasBeyondTheLimitAreRefusedNotClamped() throws Exception {
        JsonNode error = exchange(HttpMethod.POST, "/v1/workloads", admin, THERMO.replace("replicas: 3", "replicas: 100000"))
                .error(400, "invalid_argument");
        JsonNode problem = error.path("problems").get(0);
        assertEquals(5, problem.path("line").asInt(), error.toString());
        assertEquals("spec.replicas", problem.path("field").asText());
        assertEquals(0, get("/v1/workloads").json().path("items").size(), "nothing applied");

        assertEquals(201, exchange(HttpMethod.POST, "/v1/workloads", admin, THERMO).status());
        String limit = "a workload may have at most 1000 (maxReplicasPerWorkload in etc/org.outpost.server.cfg)";
        assertEquals("Deployment default/thermo asks for 1001 replicas; " + limit,
                exchange(HttpMethod.POST, "/v1/workloads/default/thermo/scale", admin, "{\"replicas\": 1001}")
                        .error(400, "invalid_argument").path("message").asText());
        assertEquals("Deployment default/thermo asks for 99999999999 replicas; " + limit,
                exchange(HttpMethod.POST, "/v1/workloads/default/thermo/scale", admin, "{\"replicas\": 99999999999}")
                        .error(400, "invalid_argument").path("message").asText());
        assertEquals(3, get("/v1/workloads/default/thermo").json().path("spec").path("pod").path("replicas").asInt());
        assertEquals(200, exchange(HttpMethod.POST, "/v1/workloads/default/thermo/scale", admin, "{\"replicas\": 1000}").status());
    }

    @Test
    void nodeLabelsFollowKubernetesRules() throws Exception {
        join("gw-1", NodeKeys.generateKeyPair());
        assertEquals(200, exchange(HttpMethod.PATCH, "/v1/nodes/gw-1", admin, "{\"labels\":{\"site\":\"plant-a\"}}").status());

        String huge = "x".repeat(600 * 1024);
        JsonNode error = exchange(HttpMethod.PATCH, "/v1/nodes/gw-1", admin, "{\"labels\":{\"notes\":\"" + huge + "\"}}")
                .error(400, "invalid_argument");
        assertEquals("node gw-1 not labeled: invalid value \"" + "x".repeat(20) + "…\" (614400 characters) for label notes:"
                + " must be at most 63 characters", error.path("message").asText());
        exchange(HttpMethod.PATCH, "/v1/nodes/gw-1", admin, "{\"labels\":{\"Bad.Prefix/x\":\"1\"}}").error(400, "invalid_argument");

        StringBuilder many = new StringBuilder("{\"labels\":{");
        for (int i = 0; i < 64; i++) {
            many.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":\"v\"");
        }
        JsonNode tooMany = exchange(HttpMethod.PATCH, "/v1/nodes/gw-1", admin, many + "}}").error(400, "invalid_argument");
        assertEquals("node gw-1 would have 65 labels; a node has at most 64 (remove some with edge:label gw-1 KEY-)",
                tooMany.path("message").asText());
        assertEquals(Map.of("site", "plant-a"), server.registry.get("gw-1").orElseThrow().labels(), "nothing changed");
    }
}
