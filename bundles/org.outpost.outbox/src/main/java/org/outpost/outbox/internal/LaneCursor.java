package org.outpost.outbox.internal;

/**
 * A cursor's state in one lane. {@code position}: every record of the lane up to it is
 * acknowledged. {@code inFlight}: the lane's records above the position that were handed out (a
 * contiguous run, in order). Guarded by the owning cursor's state lock; the reader belongs to the
 * polling thread.
 */
final class LaneCursor {

    final Lane lane;
    final LaneReader reader;
    private final InFlight inFlight = new InFlight();
    private long position;
    /** The lane ordinal of the first record above the position. */
    private long nextOrdinal;
    /** The highest sequence number handed out (or the position, when higher). */
    private long frontier;

    LaneCursor(Lane lane, long position, long nextOrdinal) {
        this.lane = lane;
        this.position = position;
        this.nextOrdinal = nextOrdinal;
        this.frontier = position;
        this.reader = new LaneReader(lane, position, LaneReader.BUFFER_BYTES);
    }

    long position() {
        return position;
    }

    long nextOrdinal() {
        return nextOrdinal;
    }

    /** Whether a record the reader just passed goes out now (and notes it as handed out). */
    boolean take(long seq) {
        if (seq <= position) return false;
        if (seq <= frontier) {
            int index = inFlight.indexOf(seq);
            return index >= 0 && !inFlight.isAcked(index);
        }
        inFlight.add(seq);
        frontier = seq;
        return true;
    }

    /**
     * Acknowledges {@code seq} if this lane handed it out.
     *
     * @return -1 when it is not one of this lane's records in flight, 1 when the position moved, 0 otherwise
     */
    int ack(long seq) {
        int index = inFlight.indexOf(seq);
        if (index < 0) return -1;
        if (!inFlight.ack(index)) return 0;
        boolean moved = false;
        while (inFlight.headAcked()) {
            position = inFlight.removeHead();
            nextOrdinal++;
            moved = true;
        }
        return moved ? 1 : 0;
    }

    /**
     * The records up to {@code seq} are gone (dropped by a bound); {@code ordinalAfter} is the ordinal
     * of the first record after them.
     */
    boolean skipThrough(long seq, long ordinalAfter) {
        if (seq <= position) return false;
        while (!inFlight.isEmpty() && inFlight.headSeq() <= seq) inFlight.removeHead();
        position = seq;
        frontier = Math.max(frontier, seq);
        nextOrdinal = Math.max(nextOrdinal, ordinalAfter);
        return true;
    }

    /** Records above the position not acknowledged yet. */
    long pending() {
        return Math.max(0, lane.endOrdinal() - nextOrdinal - inFlight.ackedCount());
    }
}
