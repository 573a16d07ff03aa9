package org.outpost.outbox.internal;

import java.util.Arrays;

/**
 * Every so many bytes of a segment, where a record starts: its sequence number, file offset and
 * lane ordinal. Lets a reader seek into a segment without scanning it from the start.
 */
final class SparseIndex {

    static final long SPACING_BYTES = 64 * 1024;

    private long[] seqs = new long[8];
    private long[] offsets = new long[8];
    private long[] ordinals = new long[8];
    private int size;

    /** A position a reader can start from. */
    record Entry(long seq, long offset, long ordinal) {
    }

    /** Notes a record start if it is far enough past the last entry (or the first record). */
    synchronized void maybeAdd(long seq, long offset, long ordinal) {
        if (size > 0 && offset - offsets[size - 1] < SPACING_BYTES) return;
        if (size == seqs.length) {
            seqs = Arrays.copyOf(seqs, size * 2);
            offsets = Arrays.copyOf(offsets, size * 2);
            ordinals = Arrays.copyOf(ordinals, size * 2);
        }
        seqs[size] = seq;
        offsets[size] = offset;
        ordinals[size] = ordinal;
        size++;
    }

    /** Forgets entries at or past {@code offset} (after a failed write was cut off again). */
    synchronized void truncate(long offset) {
        while (size > 0 && offsets[size - 1] >= offset) size--;
    }

    /** The last entry whose record has a sequence number up to {@code seq}, or null. */
    synchronized Entry floor(long seq) {
        int low = 0;
        int high = size - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (seqs[mid] <= seq) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found < 0 ? null : new Entry(seqs[found], offsets[found], ordinals[found]);
    }
}
