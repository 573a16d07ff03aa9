package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

class AgentChannelHandlerTest {
    private final ObjectMapper json = new ObjectMapper();

    /** What the handler hands on; everything else is not asked for here. */
    private static final class RecordingSession implements AgentSession {
        final List<JsonNode> assigned = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        @Override public String version() { return "test"; }
        @Override public Map<String, String> labels() { return Map.of(); }
        @Override public long lastRevision() { return 0; }
        @Override public ObjectNode usageJson(ObjectMapper json) { return json.createObjectNode(); }
        @Override public List<String> runtimes() { return List.of(); }
        @Override public void welcomed(io.netty.channel.Channel channel, JsonNode welcome) { }
        @Override public void assigned(JsonNode assignments) { assigned.add(assignments); }
        @Override public void logsRequested(JsonNode request) { }
        @Override public void logsStopped(long stream) { }
        @Override public void sent(long seq) { }
        @Override public void acknowledged(long seq, long revision) { }
        @Override public void updated(JsonNode update) { }
        @Override public void refused(String code, String message) { }
        @Override public void warned(String message) { warnings.add(message); }
        @Override public void channelFailed(Throwable cause) { }
        @Override public boolean extensionMessage(String type, String message) { return false; }
    }

    @Test
    void chunkedAssignmentsReachTheSessionAsOneWholeList() {
        RecordingSession session = new RecordingSession();
        EmbeddedChannel channel = new EmbeddedChannel(new AgentChannelHandler(session, json, 60_000));

        channel.writeInbound(new TextWebSocketFrame(
                "{\"type\":\"assignments\",\"revision\":4,\"chunk\":0,\"chunks\":2,\"items\":[{\"instance\":\"a\"}]}"));
        assertEquals(0, session.assigned.size(), "half a list is not acted on");
        channel.writeInbound(new TextWebSocketFrame(
                "{\"type\":\"assignments\",\"revision\":4,\"chunk\":1,\"chunks\":2,\"items\":[{\"instance\":\"b\"}]}"));
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"assignments\",\"revision\":5,\"items\":[]}"));
        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"warning\",\"message\":\"1 start label was not applied\"}"));

        assertEquals(2, session.assigned.size());
        assertEquals(2, session.assigned.get(0).path("items").size());
        assertEquals(4, session.assigned.get(0).path("revision").asLong());
        assertEquals(0, session.assigned.get(1).path("items").size());
        assertEquals(List.of("1 start label was not applied"), session.warnings);
        channel.finishAndReleaseAll();
    }
}
