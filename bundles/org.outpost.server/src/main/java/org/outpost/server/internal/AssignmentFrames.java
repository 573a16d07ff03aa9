package org.outpost.server.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's assignment list as {@code assignments} frames an agent can take (docs/agent-protocol.md):
 * agents accept WebSocket frames of at most 1 MiB, so a list longer than {@link #MAX_FRAME_BYTES}
 * goes in several frames with the same {@code revision}, each with {@code chunk} (0-based) and
 * {@code chunks}; the agent acts only on the whole list. A list that fits is one frame without
 * those fields, as before, so agents that do not know chunks still get it whole.
 */
final class AssignmentFrames {
    /** Half an agent's frame limit: room for the envelope and for an item that alone is large. */
    static final int MAX_FRAME_BYTES = 512 * 1024;
    /** {@code {"type":"assignments","revision":…,"chunk":…,"chunks":…,"items":[]}} with the longest numbers. */
    private static final int ENVELOPE_BYTES = 128;

    private AssignmentFrames() {
    }

    /**
     * @param items         each assignment as compact JSON
     * @param maxFrameBytes the size (UTF-8) no frame exceeds, unless one item alone does; such an
     *                      item goes in a chunk of its own (the registry keeps workloads far smaller)
     * @return the frames' texts, in order
     */
    static List<String> of(long revision, List<String> items, int maxFrameBytes) {
        int budget = maxFrameBytes - ENVELOPE_BYTES;
        List<List<String>> chunks = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentBytes = 0;
        for (String item : items) {
            int bytes = item.getBytes(StandardCharsets.UTF_8).length + 1; // and its comma
            if (!current.isEmpty() && currentBytes + bytes > budget) {
                chunks.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(item);
            currentBytes += bytes;
        }
        chunks.add(current); // possibly empty: an empty list is news too
        if (chunks.size() == 1) {
            return List.of(frame(revision, -1, 1, chunks.get(0)));
        }
        List<String> frames = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            frames.add(frame(revision, i, chunks.size(), chunks.get(i)));
        }
        return frames;
    }

    private static String frame(long revision, int chunk, int chunks, List<String> items) {
        StringBuilder text = new StringBuilder("{\"type\":\"assignments\",\"revision\":").append(revision);
        if (chunk >= 0) {
            text.append(",\"chunk\":").append(chunk).append(",\"chunks\":").append(chunks);
        }
        text.append(",\"items\":[").append(String.join(",", items)).append("]}");
        return text.toString();
    }
}
