package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class AssignmentFramesTest {
    private final ObjectMapper json = new ObjectMapper();

    private static List<String> items(int count, int bytesEach) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String prefix = "{\"instance\":\"i-" + i + "\",\"pad\":\"";
            items.add(prefix + "p".repeat(Math.max(0, bytesEach - prefix.length() - 2)) + "\"}");
        }
        return items;
    }

    @Test
    void aListThatFitsIsOneFrameWithoutChunkFields() throws Exception {
        List<String> frames = AssignmentFrames.of(42, items(3, 100), 1024);
        assertEquals(1, frames.size());
        JsonNode frame = json.readTree(frames.get(0));
        assertEquals("assignments", frame.path("type").asText());
        assertEquals(42, frame.path("revision").asLong());
        assertEquals(3, frame.path("items").size());
        assertFalse(frame.has("chunk") || frame.has("chunks"), "what agents without chunks take whole: " + frame);
    }

    @Test
    void anEmptyListIsOneFrameToo() throws Exception {
        JsonNode frame = json.readTree(AssignmentFrames.of(7, List.of(), 1024).get(0));
        assertEquals(0, frame.path("items").size());
        assertTrue(frame.path("items").isArray());
    }

    @Test
    void aLongListIsSplitIntoChunksUnderTheLimitInOrder() throws Exception {
        List<String> items = items(100, 1000); // 100 kB in frames of at most 16 KiB
        List<String> frames = AssignmentFrames.of(9, items, 16 * 1024);

        assertEquals(7, frames.size());
        List<String> received = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            assertTrue(frames.get(i).getBytes(StandardCharsets.UTF_8).length <= 16 * 1024, "frame " + i);
            JsonNode frame = json.readTree(frames.get(i));
            assertEquals(9, frame.path("revision").asLong());
            assertEquals(i, frame.path("chunk").asInt());
            assertEquals(frames.size(), frame.path("chunks").asInt());
            frame.path("items").forEach(item -> received.add(item.toString()));
        }
        assertEquals(items, received, "every item once, in order");
    }

    @Test
    void sizesAreCountedInBytes() throws Exception {
        String wide = "{\"v\":\"" + "é".repeat(3000) + "\"}"; // 3,008 characters, 6,008 bytes
        List<String> frames = AssignmentFrames.of(1, List.of(wide, wide, wide), 8 * 1024);
        assertEquals(3, frames.size(), "two would be 12 kB");
    }

    @Test
    void anItemLargerThanTheLimitGoesAloneInItsChunk() throws Exception {
        List<String> items = new ArrayList<>(items(2, 100));
        items.add(1, items(1, 5000).get(0));
        List<String> frames = AssignmentFrames.of(3, items, 2048);
        assertEquals(3, frames.size());
        assertEquals(1, json.readTree(frames.get(1)).path("items").size());
    }
}
