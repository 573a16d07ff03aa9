package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The gate on request heads, in an embedded pipeline as the HTTPS port builds it (without TLS):
 * refusals come before any body is read, and the body of a refused request is dropped.
 */
class RequestGateTest {
    private static final int ONE_MIB = 1 << 20;

    @TempDir
    Path dir;

    private ServerFixture server;
    private HttpsLimits limits = new HttpsLimits(2, Duration.ofSeconds(10), Duration.ofSeconds(60), 10, 2);
    private UnauthenticatedConnections unauthenticated;
    private JoinRateLimiter joinRate;

    /** One connection: its outbox and channel. */
    private record Connection(Outbox outbox, EmbeddedChannel channel) {
        JsonNode error(int status, String code) throws Exception {
            FullHttpResponse response = outbox.next(FullHttpResponse.class, "an HTTP response");
            try {
                String body = response.content().toString(StandardCharsets.UTF_8);
                assertEquals(status, response.status().code(), body);
                assertEquals("application/json", response.headers().get(HttpHeaderNames.CONTENT_TYPE));
                JsonNode json = ServerFixture.newJson().readTree(body);
                assertEquals(code, json.path("code").asText(), body);
                assertFalse(json.path("message").asText().isBlank(), body);
                if (status == 429) {
                    assertEquals("6", response.headers().get(HttpHeaderNames.RETRY_AFTER), "10 joins a minute: one every 6 s");
                }
                return json;
            } finally {
                response.release();
            }
        }

        int status() {
            FullHttpResponse response = outbox.next(FullHttpResponse.class, "an HTTP response");
            try {
                return response.status().code();
            } finally {
                response.release();
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new ServerFixture(dir);
        unauthenticated = new UnauthenticatedConnections(limits.maxUnauthenticatedConnections());
        joinRate = new JoinRateLimiter(server.clock, limits.joinsPerMinute(), limits.joinBurst(), 100);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private Connection connect() {
        Outbox outbox = new Outbox();
        EmbeddedChannel channel = new EmbeddedChannel(outbox, new RequestGate(server.context, limits, unauthenticated, joinRate),
                new HttpObjectAggregator(HttpsLimits.MAX_ADMIN_REQUEST_BYTES), new HttpRouter(server.context, new AdminApi(server.context)));
        return new Connection(outbox, channel);
    }

    private static HttpRequest head(HttpMethod method, String uri, String authorization, long contentLength) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        request.headers().set(HttpHeaderNames.HOST, "localhost");
        if (contentLength >= 0) {
            request.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        } else {
            request.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        if (authorization != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        return request;
    }

    @Test
    void aLargeBodyWithoutTheCredentialIsRefusedOnItsHeadAndDropped() throws Exception {
        for (String authorization : new String[] {null, "Bearer wrong-" + server.adminToken}) {
            Connection client = connect();
            ByteBuf firstChunk = Unpooled.wrappedBuffer(new byte[64 * 1024]);

            client.channel().writeInbound(head(HttpMethod.POST, "/v1/workloads", authorization, ONE_MIB),
                    new DefaultHttpContent(firstChunk));

            JsonNode error = client.error(401, "unauthorized");
            assertTrue(error.path("message").asText().contains("admin credential"), error.toString());
            client.outbox().awaitClosed(client.channel());
            assertFalse(client.channel().isOpen());
            assertEquals(0, firstChunk.refCnt(), "the body of a refused request is released unread");
            assertTrue(client.outbox().isEmpty(), "one answer only");
        }
    }

    @Test
    void theAdminCredentialLetsTheRequestThrough() throws Exception {
        Connection client = connect();
        HttpRequest request = head(HttpMethod.GET, "/v1/nodes", "Bearer " + server.adminToken, 0);

        client.channel().writeInbound(request, new DefaultLastHttpContent());

        assertEquals(200, client.status());
        assertTrue(client.channel().isOpen());
        assertEquals(0, unauthenticated.open(), "an authenticated connection no longer counts against the limit");
    }

    @Test
    void aJoinLargerThanItsLimitIsRefusedByItsDeclaredLength() throws Exception {
        Connection client = connect();

        client.channel().writeInbound(head(HttpMethod.POST, "/v1/join", null, NodeJoin.MAX_REQUEST_BYTES + 1));

        client.error(413, "request_too_large");
        client.outbox().awaitClosed(client.channel());
    }

    @Test
    void aChunkedJoinIsRefusedOnceItPassesTheLimit() throws Exception {
        Connection client = connect();
        client.channel().writeInbound(head(HttpMethod.POST, "/v1/join", null, -1));

        client.channel().writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[NodeJoin.MAX_REQUEST_BYTES])));
        assertTrue(client.outbox().isEmpty(), "within the limit so far");
        client.channel().writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[1])));

        client.error(413, "request_too_large");
        client.outbox().awaitClosed(client.channel());
    }

    @Test
    void joinsBeyondTheBurstAreTooManyRequestsWithRetryAfter() throws Exception {
        for (int i = 0; i < limits.joinBurst(); i++) {
            Connection client = connect();
            client.channel().writeInbound(head(HttpMethod.POST, "/v1/join", null, 2),
                    new DefaultLastHttpContent(Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8)));
            client.error(400, "invalid_argument");
            client.channel().close();
        }
        Connection client = connect();

        client.channel().writeInbound(head(HttpMethod.POST, "/v1/join", null, 2));

        JsonNode error = client.error(429, "too_many_requests");
        assertTrue(error.path("message").asText().contains("try again in 6 s"), error.toString());
        client.outbox().awaitClosed(client.channel());
        assertEquals(1, server.metrics.joinsRateLimited.sum());
        server.clock.advance(Duration.ofSeconds(6));
        Connection later = connect();
        later.channel().writeInbound(head(HttpMethod.POST, "/v1/join", null, 2),
                new DefaultLastHttpContent(Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8)));
        later.error(400, "invalid_argument");
        later.channel().close();
    }

    @Test
    void theAgentChannelNeedsAClientCertificate() throws Exception {
        Connection client = connect();

        client.channel().writeInbound(head(HttpMethod.GET, HttpRouter.AGENT_PATH, null, 0));

        JsonNode error = client.error(401, "unauthorized");
        assertTrue(error.path("message").asText().contains("certificate"), error.toString());
        client.outbox().awaitClosed(client.channel());
    }

    @Test
    void connectionsBeyondTheUnauthenticatedLimitGet503ThenAreClosedAtOnce() throws Exception {
        Connection first = connect();
        Connection second = connect();
        assertEquals(2, unauthenticated.open());

        Connection third = connect();
        Connection fourth = connect();
        Connection fifth = connect();
        assertTrue(fourth.channel().isOpen(), "up to twice the limit are answered");
        assertFalse(fifth.channel().isOpen(), "beyond twice the limit a connection is closed without an answer");

        third.channel().writeInbound(head(HttpMethod.GET, "/healthz", null, 0));
        JsonNode error = third.error(503, "unavailable");
        assertTrue(error.path("message").asText().contains("2 connections that have not authenticated"), error.toString());
        third.outbox().awaitClosed(third.channel());

        first.channel().close();
        fourth.channel().close();
        Connection again = connect();
        again.channel().writeInbound(head(HttpMethod.GET, "/healthz", null, 0), new DefaultLastHttpContent());
        assertEquals(200, again.status(), "a closed connection frees its place");
        second.channel().close();
    }
}
