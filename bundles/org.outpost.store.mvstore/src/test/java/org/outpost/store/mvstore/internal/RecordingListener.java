package org.outpost.store.mvstore.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.outpost.api.StoreException;
import org.outpost.api.WatchEvent;
import org.outpost.api.WatchListener;

/** Records what a watch delivers and lets a test wait for it. */
class RecordingListener implements WatchListener {

    private final List<WatchEvent> events = new ArrayList<>();
    private StoreException closeReason;
    private int closeCalls;

    @Override
    public synchronized void onEvent(WatchEvent event) {
        events.add(event);
        notifyAll();
    }

    @Override
    public synchronized void onClose(StoreException reason) {
        closeReason = reason;
        closeCalls++;
        notifyAll();
    }

    synchronized List<WatchEvent> events() {
        return List.copyOf(events);
    }

    synchronized List<Long> revisions() {
        return events.stream().map(WatchEvent::revision).toList();
    }

    synchronized int closeCalls() {
        return closeCalls;
    }

    /** Waits until the last event has at least {@code revision}; returns every event so far. */
    List<WatchEvent> awaitRevision(long revision) {
        return await("an event at revision " + revision,
                l -> !l.events.isEmpty() && l.events.get(l.events.size() - 1).revision() >= revision);
    }

    List<WatchEvent> awaitEventCount(int count) {
        return await(count + " events", l -> l.events.size() >= count);
    }

    StoreException awaitClose() {
        await("onClose", l -> l.closeCalls > 0);
        synchronized (this) {
            return closeReason;
        }
    }

    private synchronized List<WatchEvent> await(String what, Predicate<RecordingListener> condition) {
        long deadline = System.nanoTime() + Await.DEADLINE.toNanos();
        while (!condition.test(this)) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                fail("timed out waiting for " + what + "; got revisions " + revisions() + ", close " + closeReason);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
        return List.copyOf(events);
    }
}
