package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

class JsonErrorAggregatorTest {

    @Test
    void aRequestOverTheBoundIsAJsonErrorAndTheConnectionCloses() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new JsonErrorAggregator(2048));
        DefaultHttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/workloads");
        request.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2 * 1024 * 1024);
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        assertNotNull(response, "answered before the body arrives");
        assertEquals(413, response.status().code());
        JsonNode error = new ObjectMapper().readTree(response.content().toString(StandardCharsets.UTF_8));
        assertEquals("request_too_large", error.path("code").asText());
        assertEquals("a request may carry at most 2 KiB", error.path("message").asText());
        response.release();
        channel.runPendingTasks();
        assertFalse(channel.isOpen(), "the rest of the body is not read as a next request");
    }
}
