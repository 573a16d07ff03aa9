package org.outpost.outbox.internal;

/**
 * The sequence numbers of one lane a cursor has handed out above its position, in order, each
 * with an acknowledged flag. A ring buffer of primitives: no allocation per record.
 */
final class InFlight {

    private long[] seqs = new long[64];
    private boolean[] acked = new boolean[64];
    private int head;
    private int size;
    private int ackedCount;

    int size() {
        return size;
    }

    int ackedCount() {
        return ackedCount;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Adds a sequence number higher than every one held. */
    void add(long seq) {
        if (size == seqs.length) grow();
        int slot = (head + size) & (seqs.length - 1);
        seqs[slot] = seq;
        acked[slot] = false;
        size++;
    }

    /** The position of {@code seq} (0 = oldest), or -1. */
    int indexOf(long seq) {
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long value = seqs[(head + mid) & (seqs.length - 1)];
            if (value < seq) {
                low = mid + 1;
            } else if (value > seq) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    boolean isAcked(int index) {
        return acked[(head + index) & (seqs.length - 1)];
    }

    /** Marks a record acknowledged; false if it already was. */
    boolean ack(int index) {
        int slot = (head + index) & (seqs.length - 1);
        if (acked[slot]) return false;
        acked[slot] = true;
        ackedCount++;
        return true;
    }

    boolean headAcked() {
        return size > 0 && acked[head];
    }

    long headSeq() {
        return seqs[head];
    }

    /** Removes the oldest entry and returns its sequence number. */
    long removeHead() {
        long seq = seqs[head];
        if (acked[head]) ackedCount--;
        head = (head + 1) & (seqs.length - 1);
        size--;
        return seq;
    }

    private void grow() {
        int capacity = seqs.length * 2;
        long[] newSeqs = new long[capacity];
        boolean[] newAcked = new boolean[capacity];
        for (int i = 0; i < size; i++) {
            int slot = (head + i) & (seqs.length - 1);
            newSeqs[i] = seqs[slot];
            newAcked[i] = acked[slot];
        }
        seqs = newSeqs;
        acked = newAcked;
        head = 0;
    }
}
