package org.outpost.outbox.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.outpost.outbox.Outbox;

/**
 * The segments of one lane, oldest first. Only the writer thread changes the list (roll, delete,
 * drop); readers take the current array. Lane ordinals number the lane's records in append order
 * (0 = the oldest record present when the outbox was opened); they make pending counts cheap.
 */
final class Lane {

    static final String URGENT = "urgent";
    static final String NORMAL = "normal";

    final String name;
    final Path dir;
    private volatile Segment[] segments;
    private volatile long endOrdinal;
    private volatile long lastSeq;

    Lane(String name, Path dir, List<Segment> recovered, long endOrdinal, long lastSeq) {
        this.name = name;
        this.dir = dir;
        this.segments = recovered.toArray(new Segment[0]);
        this.endOrdinal = endOrdinal;
        this.lastSeq = lastSeq;
    }

    static boolean isUrgent(int priority) {
        return priority <= Outbox.URGENT_MAX;
    }

    Segment[] segments() {
        return segments;
    }

    /** The ordinal just past the last committed record. */
    long endOrdinal() {
        return endOrdinal;
    }

    /** The highest committed sequence number of this lane, 0 if it never held one. */
    long lastSeq() {
        return lastSeq;
    }

    /** The ordinal of the oldest record present. */
    long firstOrdinal() {
        Segment[] current = segments;
        return current.length == 0 ? endOrdinal : current[0].firstOrdinal;
    }

    long records() {
        return endOrdinal - firstOrdinal();
    }

    long bytes() {
        long total = 0;
        for (Segment segment : segments) total += segment.committedSize();
        return total;
    }

    /** When the oldest record present was appended; 0 when the lane is empty. */
    long oldestAppendedAt() {
        for (Segment segment : segments) {
            if (!segment.isEmpty()) return segment.firstAppendedAt();
        }
        return 0;
    }

    Segment oldestWithRecords() {
        for (Segment segment : segments) {
            if (!segment.isEmpty()) return segment;
        }
        return null;
    }

    /** The segment that holds (or will hold) the first record after {@code seq}; null when there is none. */
    Segment segmentAfterSeq(long seq) {
        Segment[] current = segments;
        for (Segment segment : current) {
            if (segment.lastSeq() > seq) return segment;
        }
        return current.length == 0 ? null : current[current.length - 1];
    }

    /** The segment following {@code segment}, or null. */
    Segment successor(Segment segment) {
        for (Segment candidate : segments) {
            if (candidate.baseSeq > segment.baseSeq) return candidate;
        }
        return null;
    }

    // --- writer thread only ---

    void published(long newEndOrdinal, long newLastSeq) {
        lastSeq = newLastSeq;
        endOrdinal = newEndOrdinal;
    }

    void add(Segment segment) {
        Segment[] current = segments;
        Segment[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = segment;
        segments = next;
    }

    void remove(Segment segment) {
        segments = Arrays.stream(segments).filter(s -> s != segment).toArray(Segment[]::new);
    }
}
