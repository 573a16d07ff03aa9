package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class AssignmentChunksTest {
    private final ObjectMapper json = new ObjectMapper();
    private final AssignmentChunks chunks = new AssignmentChunks();

    private ObjectNode chunk(long revision, int chunk, int count, String... instances) {
        ObjectNode message = json.createObjectNode();
        message.put("type", "assignments");
        message.put("revision", revision);
        message.put("chunk", chunk);
        message.put("chunks", count);
        for (String instance : instances) {
            message.withArray("items").addObject().put("instance", instance);
        }
        return message;
    }

    private static List<String> instances(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.path("items").forEach(item -> names.add(item.path("instance").asText()));
        return names;
    }

    @Test
    void aListWithoutChunkFieldsIsWhole() {
        ObjectNode whole = json.createObjectNode().put("type", "assignments").put("revision", 5);
        whole.putArray("items").addObject().put("instance", "a");
        assertSame(whole, chunks.offer(whole).orElseThrow(), "as old servers send it");
    }

    @Test
    void theListIsHandedOnOnlyWhenEveryChunkArrivedInChunkOrder() {
        assertEquals(Optional.empty(), chunks.offer(chunk(7, 2, 3, "e")));
        assertEquals(Optional.empty(), chunks.offer(chunk(7, 0, 3, "a", "b")));
        assertTrue(chunks.gathering());

        JsonNode whole = chunks.offer(chunk(7, 1, 3, "c", "d")).orElseThrow();

        assertEquals(List.of("a", "b", "c", "d", "e"), instances(whole));
        assertEquals(7, whole.path("revision").asLong());
        assertEquals("assignments", whole.path("type").asText());
        assertFalse(whole.has("chunk") || whole.has("chunks"));
        assertFalse(chunks.gathering());
    }

    @Test
    void aRepeatedChunkIsCountedOnce() {
        chunks.offer(chunk(7, 0, 2, "a"));
        assertEquals(Optional.empty(), chunks.offer(chunk(7, 0, 2, "a")));
        assertEquals(List.of("a", "b"), instances(chunks.offer(chunk(7, 1, 2, "b")).orElseThrow()));
    }

    @Test
    void aNewerRevisionDiscardsAnIncompleteOlderOne() {
        chunks.offer(chunk(7, 0, 2, "old-a"));
        assertEquals(Optional.empty(), chunks.offer(chunk(8, 0, 2, "new-a")));
        assertEquals(Optional.empty(), chunks.offer(chunk(7, 1, 2, "old-b")), "a late chunk of the older list");

        assertEquals(List.of("new-a", "new-b"), instances(chunks.offer(chunk(8, 1, 2, "new-b")).orElseThrow()));
    }

    @Test
    void aWholeListDiscardsAnIncompleteOne() {
        chunks.offer(chunk(7, 0, 2, "a"));
        ObjectNode whole = json.createObjectNode().put("type", "assignments").put("revision", 9);
        whole.putArray("items");
        assertSame(whole, chunks.offer(whole).orElseThrow());
        assertEquals(Optional.empty(), chunks.offer(chunk(7, 1, 2, "b")), "the rest of the older list completes nothing");
        assertFalse(chunks.gathering(), "nor starts a list");
    }

    @Test
    void framesThatAreNoChunkOfAnyListAreIgnored() {
        assertEquals(Optional.empty(), chunks.offer(chunk(7, 2, 2, "a")));
        assertEquals(Optional.empty(), chunks.offer(chunk(7, -1, 2, "a")));
        assertEquals(Optional.empty(), chunks.offer(chunk(7, 0, AssignmentChunks.MAX_CHUNKS + 1, "a")));
        assertEquals(Optional.empty(), chunks.offer(chunk(7, 0, 0, "a")));
        assertFalse(chunks.gathering());
        assertEquals(List.of("a"), instances(chunks.offer(chunk(7, 0, 1, "a")).orElseThrow()));
    }
}
