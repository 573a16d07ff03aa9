package org.outpost.outbox.internal;

import java.nio.file.Path;

/**
 * One segment file of a lane and what is known about its records. The writer thread changes it;
 * readers see the committed (fsync'd) part only: {@link #committedSize()} ends on a frame boundary.
 */
final class Segment {

    final Path path;
    /** The sequence number in the file name. */
    final long baseSeq;
    /** The lane ordinal of this segment's first record. */
    final long firstOrdinal;
    final SparseIndex index = new SparseIndex();

    private volatile long committedSize;
    private volatile long recordCount;
    private volatile long lastSeq;
    private volatile long firstAppendedAt;
    private volatile long lastAppendedAt;
    private volatile boolean sealed;
    private volatile boolean deleted;

    Segment(Path path, long baseSeq, long firstOrdinal) {
        this.path = path;
        this.baseSeq = baseSeq;
        this.firstOrdinal = firstOrdinal;
        this.committedSize = Frames.SEGMENT_HEADER_BYTES;
    }

    /** Publishes records made durable: the file now holds {@code size} good bytes. */
    void commit(long size, long addedRecords, long newFirstAppendedAt, long newLastSeq, long newLastAppendedAt) {
        if (addedRecords == 0) {
            committedSize = size;
            return;
        }
        if (recordCount == 0) {
            firstAppendedAt = newFirstAppendedAt;
        }
        lastSeq = newLastSeq;
        lastAppendedAt = newLastAppendedAt;
        recordCount = recordCount + addedRecords;
        committedSize = size;
    }

    long committedSize() {
        return committedSize;
    }

    long recordCount() {
        return recordCount;
    }

    /** The lane ordinal just past this segment's last committed record. */
    long endOrdinal() {
        return firstOrdinal + recordCount;
    }

    /** 0 while the segment holds no record. */
    long lastSeq() {
        return lastSeq;
    }

    long firstAppendedAt() {
        return firstAppendedAt;
    }

    long lastAppendedAt() {
        return lastAppendedAt;
    }

    boolean isEmpty() {
        return recordCount == 0;
    }

    /** No more records will be added. */
    void seal() {
        sealed = true;
    }

    boolean isSealed() {
        return sealed;
    }

    void markDeleted() {
        sealed = true;
        deleted = true;
    }

    boolean isDeleted() {
        return deleted;
    }

    @Override
    public String toString() {
        return path.getParent().getFileName() + "/" + path.getFileName();
    }
}
