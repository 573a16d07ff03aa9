package org.outpost.store.mvstore.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.outpost.api.KeyValue;
import org.outpost.api.WatchEvent;

/**
 * A read-only view of the store as of one durable commit. Readers never see a write before it is
 * on disk, and a view stays consistent however long a list or a watch replay takes.
 *
 * <p>The view pins its MVStore version (as MVStore's own transactions do) so that chunks it may
 * still read are not overwritten; the pin is dropped when the store has moved on to a newer view
 * and the last reader has released this one.
 */
final class Snapshot {

    final long revision;
    final long compactedRevision;
    private final MVMap<String, byte[]> keys;
    private final MVMap<Long, byte[]> log;
    private final MVStore store;
    private final MVStore.TxCounter pin;
    private final Pins pins;
    /** The store's own reference counts as one holder; 0 means released for good. */
    private final AtomicInteger holders = new AtomicInteger(1);

    private Snapshot(MVStore store, MVStore.TxCounter pin, Pins pins, MVMap<String, byte[]> keys,
            MVMap<Long, byte[]> log, long revision, long compactedRevision) {
        this.store = store;
        this.pin = pin;
        this.pins = pins;
        this.keys = keys;
        this.log = log;
        this.revision = revision;
        this.compactedRevision = compactedRevision;
    }

    /** Must be called by the only writer, right after a commit, with nothing written since. */
    static Snapshot ofLatestCommit(MVStore store, Pins pins, MVMap<String, byte[]> keys, MVMap<Long, byte[]> log,
            long revision, long compactedRevision) {
        MVStore.TxCounter pin = store.registerVersionUsage();
        pins.pinned();
        long version = store.getCurrentVersion();
        return new Snapshot(store, pin, pins, keys.openVersion(version), log.openVersion(version), revision,
                compactedRevision);
    }

    boolean tryAcquire() {
        int current;
        do {
            current = holders.get();
            if (current == 0) {
                return false;
            }
        } while (!holders.compareAndSet(current, current + 1));
        return true;
    }

    void release() {
        if (holders.decrementAndGet() == 0) {
            store.deregisterVersionUsage(pin);
            pins.unpinned();
        }
    }

    Optional<KeyValue> get(String key) {
        byte[] record = keys.get(key);
        return record == null ? Optional.empty() : Optional.of(Codec.decodeEntry(key, record));
    }

    List<KeyValue> list(String prefix) {
        List<KeyValue> result = new ArrayList<>();
        Cursor<String, byte[]> cursor = keys.cursor(prefix);
        while (cursor.hasNext()) {
            String key = cursor.next();
            if (!key.startsWith(prefix)) {
                break;
            }
            result.add(Codec.decodeEntry(key, cursor.getValue()));
        }
        return result;
    }

    /** Every entry of the key map as of this view, in key order (raw records). */
    Cursor<String, byte[]> keysCursor() {
        return keys.cursor(null);
    }

    /** Every logged event as of this view, in revision order (raw records). */
    Cursor<Long, byte[]> logCursor() {
        return log.cursor(null);
    }

    /**
     * Feeds logged events under {@code prefix} with revisions in {@code (afterRevision, revision]}
     * to {@code consumer}, in revision order, until it returns false.
     */
    void replay(long afterRevision, String prefix, Predicate<WatchEvent> consumer) {
        byte[] prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
        Cursor<Long, byte[]> cursor = log.cursor(afterRevision + 1, revision, false);
        while (cursor.hasNext()) {
            long eventRevision = cursor.next();
            byte[] record = cursor.getValue();
            if (Codec.eventKeyStartsWith(record, prefixBytes)
                    && !consumer.test(Codec.decodeEvent(eventRevision, record))) {
                return;
            }
        }
    }

    /**
     * Counts the views of one store that still pin a version, so that closing the store can wait
     * for reads in progress on other threads: MVStore must not close under a pinned version.
     */
    static final class Pins {
        private int count;

        synchronized void pinned() {
            count++;
        }

        synchronized void unpinned() {
            if (--count == 0) {
                notifyAll();
            }
        }

        /** Waits until no view pins a version, or the time is up; returns how many still do. */
        synchronized int awaitNone(long timeoutMillis) {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
            boolean interrupted = false;
            try {
                long remaining;
                while (count > 0 && (remaining = deadline - System.nanoTime()) > 0) {
                    try {
                        wait(Math.max(1, remaining / 1_000_000));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                return count;
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
