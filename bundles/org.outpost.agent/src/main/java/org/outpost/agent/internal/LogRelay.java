package org.outpost.agent.internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.outpost.workload.Assignment;
import org.outpost.workload.WorkloadRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An instance's log to the server (docs/agent-protocol.md): the server asks with {@code logs}
 * (a numbered {@code stream}), the agent answers with {@code log} frames and one {@code log-end},
 * with the reason when there is no log to give. Follow streams stay open until the server sends
 * {@code logs-stop} or the channel that carried them is gone.
 */
final class LogRelay {
    private static final Logger LOG = LoggerFactory.getLogger(AgentComponent.class);

    private final RuntimeTracker runtimes;
    private final Consumer<String> sender;
    /** Log reads block on the engine: never on the event loop or the workload worker. */
    private final ExecutorService readers;
    private final String node;
    private final ObjectMapper json;
    private final Map<Long, Closeable> openStreams = new ConcurrentHashMap<>();

    /** @param sender sends a text frame on the welcomed channel (dropped when there is none) */
    LogRelay(RuntimeTracker runtimes, Consumer<String> sender, ExecutorService readers, String node, ObjectMapper json) {
        this.runtimes = runtimes;
        this.sender = sender;
        this.readers = readers;
        this.node = node;
        this.json = json;
    }

    /** The server asks for an instance's log ({@code stream}, {@code id}, {@code tail}, {@code follow}). */
    void logsRequested(JsonNode request) {
        long stream = request.path("stream").asLong();
        String id = request.path("id").asText("");
        int tail = request.path("tail").asInt(-1);
        boolean follow = request.path("follow").asBoolean(false);
        try {
            readers.execute(() -> readLogs(stream, id, tail, follow));
        } catch (RejectedExecutionException e) {
            endLogs(stream, "node " + node + " is stopping");
        }
    }

    private void readLogs(long stream, String id, int tail, boolean follow) {
        Assignment assignment = runtimes.assignment(id);
        WorkloadRuntime runtime = assignment == null ? null : runtimes.runtime(WorkloadRuntime.runtimeFor(assignment));
        if (runtime == null) {
            endLogs(stream, assignment == null ? "instance " + id + " is not assigned to node " + node
                    : "node " + node + " has no " + WorkloadRuntime.runtimeFor(assignment) + " runtime");
            return;
        }
        try {
            Closeable handle = runtime.logs(id, tail, follow, line -> sendLog(stream, line));
            if (follow) {
                openStreams.put(stream, handle);
            } else {
                handle.close();
                endLogs(stream, null);
            }
        } catch (IOException | RuntimeException e) {
            endLogs(stream, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    void logsStopped(long stream) {
        Closeable handle = openStreams.remove(stream);
        if (handle != null) {
            try {
                handle.close();
            } catch (IOException e) {
                LOG.debug("Closing log stream {}: {}", stream, e.toString());
            }
        }
    }

    /** Follow streams end with the channel that carried them. */
    void closeStreams() {
        openStreams.keySet().forEach(this::logsStopped);
    }

    /** The open streams end and no more logs are read. */
    void stop() {
        closeStreams();
        readers.shutdownNow();
    }

    int openStreams() {
        return openStreams.size();
    }

    private void sendLog(long stream, String line) {
        ObjectNode frame = json.createObjectNode();
        frame.put("type", "log");
        frame.put("stream", stream);
        frame.putArray("lines").add(line);
        sender.accept(frame.toString());
    }

    private void endLogs(long stream, String error) {
        ObjectNode frame = json.createObjectNode();
        frame.put("type", "log-end");
        frame.put("stream", stream);
        if (error != null) {
            frame.put("error", error);
        }
        sender.accept(frame.toString());
    }
}
