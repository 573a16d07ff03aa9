package org.outpost.agent.internal;

import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;

/**
 * The agent's side of the channel (docs/agent-protocol.md): hello after the WebSocket handshake,
 * then a heartbeat every interval; acknowledgements and spec updates go to the {@link AgentSession}.
 */
final class AgentChannelHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    static final int PROTOCOL = 1;

    private final AgentSession session;
    private final ObjectMapper json;
    private final long heartbeatMillis;
    private final AssignmentChunks assignmentChunks = new AssignmentChunks();
    private ScheduledFuture<?> heartbeats;
    private long seq;

    AgentChannelHandler(AgentSession session, ObjectMapper json, long heartbeatMillis) {
        this.session = session;
        this.json = json;
        this.heartbeatMillis = heartbeatMillis;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            ObjectNode hello = json.createObjectNode();
            hello.put("type", "hello");
            hello.put("protocol", PROTOCOL);
            hello.put("version", session.version());
            hello.put("lastRevision", session.lastRevision());
            ObjectNode labels = hello.putObject("labels");
            session.labels().forEach(labels::put);
            session.runtimes().forEach(hello.putArray("runtimes")::add);
            hello.set("usage", session.usageJson(json));
            send(ctx, hello);
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws IOException {
        String text = frame.text();
        JsonNode message = json.readTree(text);
        String type = message.path("type").asText("");
        switch (type) {
            case "welcome" -> {
                session.welcomed(ctx.channel(), message);
                heartbeats = ctx.executor().scheduleAtFixedRate(() -> heartbeat(ctx), heartbeatMillis, heartbeatMillis,
                        TimeUnit.MILLISECONDS);
            }
            case "ack" -> session.acknowledged(message.path("seq").asLong(), message.path("revision").asLong());
            case "update" -> session.updated(message);
            case "assignments" -> assignmentChunks.offer(message).ifPresent(session::assigned);
            case "logs" -> session.logsRequested(message);
            case "logs-stop" -> session.logsStopped(message.path("stream").asLong());
            case "error" -> session.refused(message.path("code").asText(), message.path("message").asText());
            case "warning" -> session.warned(message.path("message").asText());
            default -> {
                // other bundles' messages; newer servers may send more, and what nobody takes is ignored
                session.extensionMessage(type, text);
            }
        }
    }

    private void heartbeat(ChannelHandlerContext ctx) {
        ObjectNode beat = json.createObjectNode();
        beat.put("type", "heartbeat");
        beat.put("seq", ++seq);
        beat.set("usage", session.usageJson(json));
        session.sent(seq);
        send(ctx, beat);
    }

    private void send(ChannelHandlerContext ctx, ObjectNode message) {
        try {
            ctx.writeAndFlush(new TextWebSocketFrame(json.writeValueAsString(message)));
        } catch (IOException e) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.channelFailed(cause);
        ctx.close();
    }
}
