package org.outpost.outbox.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The named cursors and the lifetime drop count, and their durable form. Positions are written
 * in batches (by the writer thread, see {@link #flushIfChanged}); creating and removing a cursor is
 * written at once, so that a cursor never silently vanishes or appears late after a crash.
 */
final class CursorRegistry {

    private final Path dir;
    private final Map<String, FileCursor> cursors = new ConcurrentHashMap<>();
    private final AtomicBoolean changed = new AtomicBoolean();
    private final AtomicLong droppedTotal;
    private final LongSupplier highestSeq;
    private final Object fileLock = new Object();

    CursorRegistry(Path dir, long droppedTotal, LongSupplier highestSeq) {
        this.dir = dir;
        this.droppedTotal = new AtomicLong(droppedTotal);
        this.highestSeq = highestSeq;
    }

    FileCursor get(String name) {
        return cursors.get(name);
    }

    Collection<FileCursor> all() {
        return cursors.values();
    }

    boolean isEmpty() {
        return cursors.isEmpty();
    }

    /** Adds a cursor recovered from disk (no write). */
    void restore(FileCursor cursor) {
        cursors.put(cursor.name(), cursor);
    }

    /** Adds a new cursor and writes the file before returning. */
    void addDurably(FileCursor cursor) throws IOException {
        cursors.put(cursor.name(), cursor);
        try {
            persist();
        } catch (IOException e) {
            cursors.remove(cursor.name(), cursor);
            throw e;
        }
    }

    /** Removes a cursor and writes the file; null if there was none of that name. */
    FileCursor removeDurably(String name) throws IOException {
        FileCursor removed = cursors.remove(name);
        if (removed == null) return null;
        try {
            persist();
        } catch (IOException e) {
            cursors.put(name, removed);
            throw e;
        }
        return removed;
    }

    void markChanged() {
        changed.set(true);
    }

    long droppedTotal() {
        return droppedTotal.get();
    }

    void addDropped(long count) {
        droppedTotal.addAndGet(count);
        changed.set(true);
    }

    /** The lowest position of any cursor in the lane, or -1 with no cursor. */
    long minPosition(Lane lane) {
        long min = -1;
        for (FileCursor cursor : cursors.values()) {
            long position = cursor.position(lane);
            if (min < 0 || position < min) min = position;
        }
        return min;
    }

    /** The lowest next-record ordinal of any cursor in the lane, or -1 with no cursor. */
    long minNextOrdinal(Lane lane) {
        long min = -1;
        for (FileCursor cursor : cursors.values()) {
            long ordinal = cursor.nextOrdinal(lane);
            if (min < 0 || ordinal < min) min = ordinal;
        }
        return min;
    }

    Map<String, Long> pendingByCursor() {
        Map<String, Long> pending = new LinkedHashMap<>();
        cursors.values().stream().sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(cursor -> pending.put(cursor.name(), cursor.pending()));
        return pending;
    }

    /** Writes the file if a position or the drop count changed since the last write. */
    void flushIfChanged() throws IOException {
        if (!changed.getAndSet(false)) return;
        try {
            persist();
        } catch (IOException e) {
            changed.set(true);
            throw e;
        }
    }

    void persist() throws IOException {
        synchronized (fileLock) {
            List<CursorFile.Position> positions = new ArrayList<>(cursors.size());
            for (FileCursor cursor : cursors.values()) positions.add(cursor.position());
            CursorFile.write(dir, new CursorFile.Contents(positions, droppedTotal.get(), highestSeq.getAsLong()));
        }
    }
}
