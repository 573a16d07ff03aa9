package org.outpost.outbox.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

import org.outpost.outbox.OutboxRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one lane's committed records in sequence order, segment after segment, from the files
 * (through a small buffer; nothing is loaded whole). Used by one thread at a time.
 */
final class LaneReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LaneReader.class);
    static final int BUFFER_BYTES = 64 * 1024;

    private final Lane lane;
    private final FrameReader frames;
    private Segment segment;
    private FileChannel channel;
    /** The sequence number of the last record passed; the next one returned is higher. */
    private long lastSeq;
    private long nextOrdinal;
    private long ordinal;

    LaneReader(Lane lane, long afterSeq, int bufferBytes) {
        this.lane = lane;
        this.frames = new FrameReader(bufferBytes);
        this.lastSeq = afterSeq;
    }

    /** Makes the next {@link #advance} return the first record after {@code seq}. */
    void seekAfter(long seq) {
        closeSegment();
        lastSeq = seq;
    }

    /**
     * Moves to the next committed record; false when there is none yet. The record's fields are then
     * available until the next call.
     */
    boolean advance() throws IOException {
        while (true) {
            if (segment == null && !openSegmentAfter(lastSeq)) return false;
            if (segment.isDeleted()) {
                closeSegment();
                continue;
            }
            frames.setLimit(segment.committedSize());
            FrameReader.Result result = frames.next();
            if (result == FrameReader.Result.FRAME) {
                long recordOrdinal = nextOrdinal++;
                if (frames.seq() <= lastSeq) continue;
                lastSeq = frames.seq();
                ordinal = recordOrdinal;
                return true;
            }
            if (result == FrameReader.Result.BAD) {
                if (segment.isDeleted()) continue;
                LOG.warn("Outbox segment {} became unreadable at offset {} ({}); skipping the rest of it",
                        segment, frames.frameOffset(), frames.problem());
                frames.skipToLimit();
                continue;
            }
            if (!segment.isSealed()) return false;
            if (frames.position() < segment.committedSize()) continue;
            Segment next = lane.successor(segment);
            if (next == null) return false;
            open(next, Frames.SEGMENT_HEADER_BYTES, next.firstOrdinal);
        }
    }

    private boolean openSegmentAfter(long seq) throws IOException {
        while (true) {
            Segment candidate = lane.segmentAfterSeq(seq);
            if (candidate == null) return false;
            SparseIndex.Entry entry = candidate.index.floor(seq);
            try {
                if (entry == null) {
                    open(candidate, Frames.SEGMENT_HEADER_BYTES, candidate.firstOrdinal);
                } else {
                    open(candidate, entry.offset(), entry.ordinal());
                }
                return true;
            } catch (NoSuchFileException e) {
                if (!candidate.isDeleted()) throw e;
            }
        }
    }

    private void open(Segment target, long offset, long ordinalAtOffset) throws IOException {
        closeSegment();
        channel = FileChannel.open(target.path, StandardOpenOption.READ);
        segment = target;
        nextOrdinal = ordinalAtOffset;
        frames.open(channel, offset, target.committedSize());
    }

    private void closeSegment() {
        segment = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Closing an outbox segment reader failed", e);
            }
            channel = null;
        }
    }

    long seq() {
        return frames.seq();
    }

    int priority() {
        return frames.priority();
    }

    long appendedAt() {
        return frames.appendedAt();
    }

    /** The lane ordinal of the current record. */
    long ordinal() {
        return ordinal;
    }

    OutboxRecord record() {
        return new OutboxRecord(frames.seq(), frames.priority(), frames.appendedAt(), frames.copyPayload());
    }

    @Override
    public void close() {
        closeSegment();
    }
}
