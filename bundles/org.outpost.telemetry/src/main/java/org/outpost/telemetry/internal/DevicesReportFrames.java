package org.outpost.telemetry.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's {@code devices} report as frames the server takes (docs/agent-protocol.md, "Devices
 * and telemetry"): servers accept agent frames of at most 1 MiB, and a node at its device limits
 * reports far more. A report that fits in {@link #MAX_FRAME_BYTES} is one frame without chunk
 * fields, as before, so servers that do not know chunks still get it. A longer one goes in several
 * frames, each with the same {@code report} (a number that grows with every report), {@code chunk}
 * (0-based) and {@code chunks}; the report's other fields (drivers, rules, outbox, ...) go in chunk
 * 0 only, since the server applies them only with the whole report.
 */
final class DevicesReportFrames {
    /** Half the server's frame limit: room for the envelope and for a device that alone is large. */
    static final int MAX_FRAME_BYTES = 512 * 1024;
    /** The most chunks a server takes for one report (its limit, docs/limits.md); more is not sent. */
    static final int MAX_CHUNKS = 64;
    /** {@code {"type":"devices","report":…,"chunk":…,"chunks":…,"items":[]}} with the longest numbers. */
    private static final int ENVELOPE_BYTES = 128;

    private DevicesReportFrames() {
    }

    /**
     * @param report        this report's number
     * @param fields        the report's fields other than {@code type} and {@code items}, as compact JSON
     *                      members without the braces ({@code "drivers":[…],"rules":[…],…}), or empty
     * @param items         each device's state as compact JSON
     * @param maxFrameBytes the size (UTF-8) no frame exceeds, unless one device alone does; such a
     *                      device goes in a chunk of its own ({@link DeviceLimits#MAX_DEVICE_JSON_BYTES}
     *                      keeps devices far smaller)
     * @return the frames' texts, in order
     */
    static List<String> of(long report, String fields, List<String> items, int maxFrameBytes) {
        int fieldBytes = fields.isEmpty() ? 0 : fields.getBytes(StandardCharsets.UTF_8).length + 1;
        long wholeBytes = ENVELOPE_BYTES + fieldBytes;
        for (String item : items) {
            wholeBytes += item.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        if (wholeBytes <= maxFrameBytes) {
            return List.of(frame(-1, -1, 1, fields, items));
        }
        List<List<String>> chunks = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long budget = maxFrameBytes - ENVELOPE_BYTES - fieldBytes; // chunk 0 also carries the fields
        long currentBytes = 0;
        for (String item : items) {
            int bytes = item.getBytes(StandardCharsets.UTF_8).length + 1; // and its comma
            if (currentBytes + bytes > budget && (!current.isEmpty() || budget < maxFrameBytes - ENVELOPE_BYTES)) {
                chunks.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
                budget = maxFrameBytes - ENVELOPE_BYTES;
            }
            current.add(item);
            currentBytes += bytes;
        }
        chunks.add(current);
        List<String> frames = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            frames.add(frame(report, i, chunks.size(), i == 0 ? fields : "", chunks.get(i)));
        }
        return frames;
    }

    private static String frame(long report, int chunk, int chunks, String fields, List<String> items) {
        StringBuilder text = new StringBuilder("{\"type\":\"devices\"");
        if (chunk >= 0) {
            text.append(",\"report\":").append(report).append(",\"chunk\":").append(chunk).append(",\"chunks\":").append(chunks);
        }
        if (!fields.isEmpty()) {
            text.append(',').append(fields);
        }
        text.append(",\"items\":[").append(String.join(",", items)).append("]}");
        return text.toString();
    }
}
