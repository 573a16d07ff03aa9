package org.outpost.server.internal;

import java.io.Closeable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.workload.WorkloadLogs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * Log streams relayed from agents: {@code logs} asks the node's agent for an instance's log,
 * {@code log} frames carry lines back, {@code log-end} ends it, {@code logs-stop} cancels. A
 * stream is tied to the node it was opened on; another node's frames cannot feed it.
 */
final class LogStreams implements WorkloadLogs {
    private final AgentSessions sessions;
    private final ObjectMapper json;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Stream> open = new ConcurrentHashMap<>();

    private record Stream(String node, Listener listener) {
    }

    LogStreams(AgentSessions sessions, ObjectMapper json) {
        this.sessions = sessions;
        this.json = json;
    }

    @Override
    public Closeable stream(String node, String id, int tailLines, boolean follow, Listener listener) {
        Channel channel = sessions.get(node);
        if (channel == null) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "node " + node + " is not connected; its logs can be read when it is back");
        }
        long stream = ids.incrementAndGet();
        open.put(stream, new Stream(node, listener));
        ObjectNode request = json.createObjectNode();
        request.put("type", "logs");
        request.put("stream", stream);
        request.put("id", id);
        request.put("tail", tailLines);
        request.put("follow", follow);
        channel.writeAndFlush(new TextWebSocketFrame(request.toString()));
        return () -> {
            if (open.remove(stream) != null) {
                ObjectNode stop = json.createObjectNode();
                stop.put("type", "logs-stop");
                stop.put("stream", stream);
                Channel current = sessions.get(node);
                if (current != null) {
                    current.writeAndFlush(new TextWebSocketFrame(stop.toString()));
                }
            }
        };
    }

    void lines(String node, long stream, Iterable<String> lines) {
        Stream s = open.get(stream);
        if (s != null && s.node().equals(node)) {
            lines.forEach(s.listener()::line);
        }
    }

    void ended(String node, long stream, String error) {
        Stream s = open.get(stream);
        if (s != null && s.node().equals(node) && open.remove(stream, s)) {
            s.listener().ended(error);
        }
    }

    /** The node's channel closed: its streams end. */
    void disconnected(String node) {
        open.forEach((stream, s) -> {
            if (s.node().equals(node) && open.remove(stream, s)) {
                s.listener().ended("node " + node + " disconnected");
            }
        });
    }
}
