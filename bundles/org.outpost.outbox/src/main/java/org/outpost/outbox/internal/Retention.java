package org.outpost.outbox.internal;

import java.io.IOException;
import java.nio.file.Files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which segments go, on the writer thread: segments every cursor has acknowledged, and
 * whole segments beyond the size or age bound (size: normal lane first, the urgent lane only once
 * the normal lane is empty; age: any segment whose newest record is too old).
 */
final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final OutboxOptions options;
    private final LaneWriter urgent;
    private final LaneWriter normal;
    private final CursorRegistry cursors;
    private volatile long dropped;

    Retention(OutboxOptions options, LaneWriter urgent, LaneWriter normal, CursorRegistry cursors) {
        this.options = options;
        this.urgent = urgent;
        this.normal = normal;
        this.cursors = cursors;
    }

    /** Records dropped by a bound since the outbox was opened. */
    long dropped() {
        return dropped;
    }

    long bytes() {
        return urgent.lane().bytes() + normal.lane().bytes();
    }

    /** Deletes the sealed segments whose records every cursor has acknowledged; none without cursors. */
    void deleteAcknowledged() {
        deleteAcknowledged(urgent);
        deleteAcknowledged(normal);
    }

    private void deleteAcknowledged(LaneWriter writer) {
        Lane lane = writer.lane();
        long position = cursors.minPosition(lane);
        if (position < 0) return;
        for (Segment segment : lane.segments()) {
            if (segment == writer.active() || !segment.isSealed() || segment.lastSeq() > position) return;
            remove(lane, segment);
        }
    }

    void enforceBounds(long nowMillis) {
        long oldestKept = nowMillis - options.maxAgeMillis();
        dropExpired(normal, oldestKept);
        dropExpired(urgent, oldestKept);
        while (bytes() > options.maxBytes()) {
            LaneWriter writer = normal;
            Segment oldest = normal.lane().oldestWithRecords();
            if (oldest == null) {
                writer = urgent;
                oldest = urgent.lane().oldestWithRecords();
            }
            if (oldest == null) return;
            drop(writer, oldest, "size bound of " + options.maxBytes() + " bytes");
        }
    }

    private void dropExpired(LaneWriter writer, long oldestKept) {
        Segment oldest;
        while ((oldest = writer.lane().oldestWithRecords()) != null && oldest.lastAppendedAt() < oldestKept) {
            drop(writer, oldest, "age bound of " + options.maxAgeMillis() + " ms");
        }
    }

    private void drop(LaneWriter writer, Segment segment, String reason) {
        Lane lane = writer.lane();
        long unacknowledgedFrom = cursors.minNextOrdinal(lane);
        long count = unacknowledgedFrom < 0 ? segment.recordCount()
                : Math.max(0, segment.endOrdinal() - Math.max(segment.firstOrdinal, unacknowledgedFrom));
        // counters and cursors first: whoever sees the bytes go down also sees the drop counted
        for (FileCursor cursor : cursors.all()) cursor.skipThrough(lane, segment.lastSeq(), segment.endOrdinal());
        dropped += count;
        cursors.addDropped(count);
        if (segment == writer.active()) writer.releaseActive();
        remove(lane, segment);
        LOG.warn("Outbox {}: dropped segment {} ({} records not yet acknowledged) to keep within the {}",
                lane.dir.getParent(), segment, count, reason);
    }

    private void remove(Lane lane, Segment segment) {
        segment.markDeleted();
        lane.remove(segment);
        try {
            Files.deleteIfExists(segment.path);
        } catch (IOException e) {
            LOG.warn("Could not delete outbox segment {}: {}", segment.path, e.toString());
        }
    }
}
