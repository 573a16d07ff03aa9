package org.outpost.outbox.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.outpost.outbox.OutboxCursor;
import org.outpost.outbox.OutboxRecord;

/**
 * A named cursor over both lanes. One thread polls (reading files without holding the state lock);
 * acknowledgements may come from any thread and only take the state lock briefly.
 */
final class FileCursor implements OutboxCursor {

    private final String name;
    private final FileOutbox outbox;
    private final ReentrantLock state = new ReentrantLock();
    private final ReentrantLock polling = new ReentrantLock();
    private final AtomicBoolean rewindRequested = new AtomicBoolean();
    private final LaneCursor urgent;
    private final LaneCursor normal;
    private volatile boolean removed;

    FileCursor(String name, FileOutbox outbox, LaneCursor urgent, LaneCursor normal) {
        this.name = name;
        this.outbox = outbox;
        this.urgent = urgent;
        this.normal = normal;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<OutboxRecord> poll(int max, long timeoutMillis) throws IOException, InterruptedException {
        if (max <= 0) throw new IllegalArgumentException("poll max must be positive, not " + max);
        if (timeoutMillis < 0) throw new IllegalArgumentException("poll timeout must not be negative, not " + timeoutMillis);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        polling.lockInterruptibly();
        try {
            while (true) {
                checkUsable();
                if (rewindRequested.getAndSet(false)) restartReaders();
                long seenSeq = outbox.committedSeq();
                List<OutboxRecord> records = new ArrayList<>(Math.min(max, 256));
                read(urgent, records, max);
                read(normal, records, max);
                if (!records.isEmpty()) return records;
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) return records;
                outbox.awaitCommit(seenSeq, remaining, this::isWakeRequested);
            }
        } finally {
            polling.unlock();
        }
    }

    private void read(LaneCursor lane, List<OutboxRecord> records, int max) throws IOException {
        LaneReader reader = lane.reader;
        while (records.size() < max && reader.advance()) {
            boolean take;
            state.lock();
            try {
                take = lane.take(reader.seq());
            } finally {
                state.unlock();
            }
            if (take) records.add(reader.record());
        }
    }

    private void restartReaders() {
        long urgentPosition;
        long normalPosition;
        state.lock();
        try {
            urgentPosition = urgent.position();
            normalPosition = normal.position();
        } finally {
            state.unlock();
        }
        urgent.reader.seekAfter(urgentPosition);
        normal.reader.seekAfter(normalPosition);
    }

    private boolean isWakeRequested() {
        return rewindRequested.get() || removed;
    }

    /** Called with the polling lock held, so the readers can be released here. */
    private void checkUsable() throws IOException {
        try {
            outbox.checkReadable();
            if (removed) throw new IOException("outbox cursor '" + name + "' was removed");
        } catch (IOException e) {
            urgent.reader.close();
            normal.reader.close();
            throw e;
        }
    }

    @Override
    public void ack(long seq) {
        boolean moved;
        state.lock();
        try {
            int result = urgent.ack(seq);
            if (result < 0) result = normal.ack(seq);
            moved = result > 0;
        } finally {
            state.unlock();
        }
        if (moved) outbox.cursorMoved();
    }

    @Override
    public void rewind() {
        rewindRequested.set(true);
        outbox.wakePollers();
    }

    @Override
    public long pending() {
        state.lock();
        try {
            return urgent.pending() + normal.pending();
        } finally {
            state.unlock();
        }
    }

    /** This cursor's durable form. */
    CursorFile.Position position() {
        state.lock();
        try {
            return new CursorFile.Position(name, urgent.position(), normal.position());
        } finally {
            state.unlock();
        }
    }

    long position(Lane lane) {
        state.lock();
        try {
            return laneCursor(lane).position();
        } finally {
            state.unlock();
        }
    }

    long nextOrdinal(Lane lane) {
        state.lock();
        try {
            return laneCursor(lane).nextOrdinal();
        } finally {
            state.unlock();
        }
    }

    /** Moves past records a bound dropped. */
    void skipThrough(Lane lane, long seq, long ordinalAfter) {
        state.lock();
        try {
            laneCursor(lane).skipThrough(seq, ordinalAfter);
        } finally {
            state.unlock();
        }
    }

    private LaneCursor laneCursor(Lane lane) {
        return lane == urgent.lane ? urgent : normal;
    }

    /** Forgets this cursor: a waiting poll returns, later calls fail. */
    void markRemoved() {
        removed = true;
    }

    /** Releases the readers' files; only once no poll can run any more (outbox closed). */
    void closeReaders() {
        if (polling.tryLock()) {
            try {
                urgent.reader.close();
                normal.reader.close();
            } finally {
                polling.unlock();
            }
        }
    }
}
