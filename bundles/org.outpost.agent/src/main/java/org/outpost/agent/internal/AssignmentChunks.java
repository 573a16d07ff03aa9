package org.outpost.agent.internal;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Puts a node's assignment list back together when the server sent it in several
 * {@code assignments} frames (docs/agent-protocol.md): frames of one {@code revision} carry
 * {@code chunk} (0-based) and {@code chunks}; the list is handed on only once every chunk arrived,
 * so the agent never acts on part of it (that would remove the instances of the missing chunks).
 * A newer revision discards an incomplete older one; a frame without chunk fields is a whole list.
 * One per channel: a new channel starts over, and the server sends the whole list after every welcome.
 */
final class AssignmentChunks {
    /** More chunks than this is not a list a server sends (it is far above 110 instances of 256 KiB each). */
    static final int MAX_CHUNKS = 256;

    private long revision = -1;
    /** The revision of the last list handed on: chunks of an older one are late, not news. */
    private long handedOn = -1;
    private JsonNode[] chunks;
    private int received;

    /**
     * @return the whole list (a message with {@code type}, {@code revision} and {@code items}) when
     *         {@code message} completes one, else empty
     */
    Optional<JsonNode> offer(JsonNode message) {
        if (!message.has("chunks") && !message.has("chunk")) {
            discard();
            handedOn = Math.max(handedOn, message.path("revision").asLong(-1));
            return Optional.of(message);
        }
        long at = message.path("revision").asLong(-1);
        int count = message.path("chunks").asInt(0);
        int index = message.path("chunk").asInt(-1);
        if (count < 1 || count > MAX_CHUNKS || index < 0 || index >= count || at < 0) {
            return Optional.empty(); // not a chunk of any list: ignored, the next whole list repairs it
        }
        if (at < handedOn || chunks != null && at < revision) {
            return Optional.empty(); // an older list than the one handed on or being gathered
        }
        if (chunks == null || at != revision || chunks.length != count) {
            revision = at;
            chunks = new JsonNode[count];
            received = 0;
        }
        if (chunks[index] == null) {
            received++;
        }
        chunks[index] = message.path("items");
        if (received < count) {
            return Optional.empty();
        }
        ObjectNode whole = JsonNodeFactory.instance.objectNode();
        whole.put("type", "assignments");
        whole.put("revision", revision);
        ArrayNode items = whole.putArray("items");
        for (JsonNode chunk : chunks) {
            chunk.forEach(items::add);
        }
        discard();
        handedOn = Math.max(handedOn, revision);
        return Optional.of(whole);
    }

    /** Whether part of a list is waiting for the rest. */
    boolean gathering() {
        return chunks != null;
    }

    private void discard() {
        chunks = null;
        received = 0;
    }
}
