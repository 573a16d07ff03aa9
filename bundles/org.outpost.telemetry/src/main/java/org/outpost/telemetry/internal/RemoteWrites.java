package org.outpost.telemetry.internal;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.outpost.api.OutpostException;
import org.outpost.api.ServerLink;
import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes the server asks for ({@code device-write}), answered with a {@code device-write-result}
 * that carries the request's number and either the written reading or the error's code and
 * message. Writes wait on devices, so they run on their own executor, never on the link's thread.
 */
final class RemoteWrites {

    /** The node's write path (checks, driver, log line). */
    @FunctionalInterface
    interface Writer {
        Reading write(String device, String channel, String value);
    }

    private final Writer writer;
    private final Supplier<ServerLink> link;
    private final Executor executor;
    private final ObjectMapper json;

    RemoteWrites(Writer writer, Supplier<ServerLink> link, Executor executor, ObjectMapper json) {
        this.writer = writer;
        this.link = link;
        this.executor = executor;
        this.json = json;
    }

    /** Takes a {@code device-write} request; the answer goes to the link that is up when the write is done. */
    void requested(JsonNode request) {
        executor.execute(() -> {
            String reply = answer(request);
            ServerLink up = link.get();
            if (up != null) up.send(reply);
        });
    }

    /** Does the write and says how it went. */
    String answer(JsonNode request) {
        ObjectNode reply = json.createObjectNode();
        reply.put("type", "device-write-result");
        reply.put("request", request.path("request").asLong());
        try {
            Reading written = writer.write(request.path("device").asText(), request.path("channel").asText(),
                    request.path("value").asText());
            reply.set("reading", json.valueToTree(TelemetryJson.reading(written)));
        } catch (OutpostException e) {
            reply.put("code", e.code().wireName());
            reply.put("error", e.getMessage());
        }
        return reply.toString();
    }
}
