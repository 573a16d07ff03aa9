package org.outpost.server.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Puts a node's {@code devices} report back together when the agent sent it in several frames
 * (docs/agent-protocol.md, "Devices and telemetry"): frames of one {@code report} carry
 * {@code chunk} (0-based) and {@code chunks}, and the report's other fields come with chunk 0. The
 * report is handed on only once every chunk arrived — applying part of it would make the devices
 * of the missing chunks disappear. A chunk of another report discards an unfinished one (an agent
 * sends the frames of one report together, so that one will not be finished); a frame without
 * chunk fields is a whole report. One per channel, used on its event loop only. What it holds is
 * at most {@link #MAX_CHUNKS} frames, each at most 1 MiB (the WebSocket decoder's limit).
 */
final class DeviceReportChunks {
    /** The most chunks one report may have: 64 frames of under 512 KiB, what a node at its device limits needs and more. */
    static final int MAX_CHUNKS = 64;

    private long report = -1;
    private ArrayNode[] chunks;
    private ObjectNode fields;
    private int received;

    /**
     * @return the whole report (a {@code devices} message with every device in {@code items}) when
     *         {@code message} completes one, else empty
     * @throws IllegalArgumentException for a frame that is no chunk of any report, or a report of
     *         more than {@link #MAX_CHUNKS} chunks; the message says which
     */
    Optional<JsonNode> offer(JsonNode message) {
        if (!message.has("chunk") && !message.has("chunks")) {
            discard();
            return Optional.of(message);
        }
        JsonNode at = message.path("report");
        JsonNode count = message.path("chunks");
        JsonNode index = message.path("chunk");
        if (!at.canConvertToLong() || !count.canConvertToInt() || !index.canConvertToInt() || !message.path("items").isArray()) {
            throw new IllegalArgumentException("a devices chunk needs the numbers report, chunk and chunks, and items");
        }
        if (count.asInt() > MAX_CHUNKS) {
            discard();
            throw new IllegalArgumentException("a devices report in " + count.asInt() + " chunks is more than the "
                    + MAX_CHUNKS + " this server takes (docs/limits.md); the node has more devices than it can report");
        }
        if (count.asInt() < 1 || index.asInt() < 0 || index.asInt() >= count.asInt()) {
            throw new IllegalArgumentException("devices chunk " + index.asInt() + " of " + count.asInt() + " does not exist");
        }
        if (chunks == null || at.asLong() != report || chunks.length != count.asInt()) {
            report = at.asLong();
            chunks = new ArrayNode[count.asInt()];
            fields = null;
            received = 0;
        }
        int i = index.asInt();
        if (chunks[i] == null) {
            received++;
        }
        chunks[i] = (ArrayNode) message.path("items");
        if (i == 0 && message instanceof ObjectNode object) {
            fields = object;
        }
        if (received < chunks.length) {
            return Optional.empty();
        }
        ObjectNode whole = fields.objectNode();
        whole.put("type", "devices");
        whole.put("report", report);
        for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!whole.has(field.getKey()) && !field.getKey().equals("chunk") && !field.getKey().equals("chunks")
                    && !field.getKey().equals("items")) {
                whole.set(field.getKey(), field.getValue());
            }
        }
        ArrayNode items = whole.putArray("items");
        for (ArrayNode chunk : chunks) {
            items.addAll(chunk);
        }
        discard();
        return Optional.of(whole);
    }

    /** Whether part of a report is waiting for the rest. */
    boolean gathering() {
        return chunks != null;
    }

    private void discard() {
        chunks = null;
        fields = null;
        received = 0;
    }
}
