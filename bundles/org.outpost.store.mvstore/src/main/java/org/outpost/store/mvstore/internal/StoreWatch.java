package org.outpost.store.mvstore.internal;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.StoreException;
import org.outpost.api.Watch;
import org.outpost.api.WatchEvent;
import org.outpost.api.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: replays history from a snapshot, then delivers live events, all serially on the
 * shared delivery pool so that a slow listener holds up only itself. Live events wait in a bounded
 * queue; a listener that falls further behind is closed with an error instead of buffering
 * without limit.
 */
final class StoreWatch implements Watch {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWatch.class);

    private final String prefix;
    private final long afterRevision;
    private final WatchListener listener;
    private final Executor deliveryPool;
    private final int maxPendingEvents;
    private final Consumer<StoreWatch> onEnded;

    // All fields below are guarded by "this".
    /** History still to replay before the first live event; null once replayed (or when none). */
    private Snapshot replayFrom;
    private final ArrayDeque<WatchEvent> pending = new ArrayDeque<>();
    /** Live events at or below this revision are covered by the replay (or were asked to be skipped). */
    private long lastQueuedRevision;
    private long lastDeliveredRevision;
    private boolean delivering;
    private boolean ended;
    /** Why the watch ended, still to be passed to {@link WatchListener#onClose}. */
    private StoreException undeliveredCloseReason;

    StoreWatch(String prefix, long afterRevision, WatchListener listener, Snapshot replayFrom,
            Executor deliveryPool, int maxPendingEvents, Consumer<StoreWatch> onEnded) {
        this.prefix = prefix;
        this.afterRevision = afterRevision;
        this.listener = listener;
        this.replayFrom = replayFrom;
        this.deliveryPool = deliveryPool;
        this.maxPendingEvents = maxPendingEvents;
        this.onEnded = onEnded;
        this.lastQueuedRevision = replayFrom == null ? afterRevision : Math.max(afterRevision, replayFrom.revision);
        this.lastDeliveredRevision = afterRevision;
    }

    synchronized void start() {
        if (replayFrom != null) {
            scheduleDelivery();
        }
    }

    /** Queues a durable batch of events; called by the store's writer, in revision order. */
    void offer(List<WatchEvent> events) {
        StoreException overflow = null;
        synchronized (this) {
            if (ended) {
                return;
            }
            for (WatchEvent event : events) {
                if (event.revision() <= lastQueuedRevision || !event.kv().key().startsWith(prefix)) {
                    continue;
                }
                if (pending.size() >= maxPendingEvents) {
                    overflow = new StoreException(ErrorCode.UNAVAILABLE, "watch on '" + prefix
                            + "' fell more than " + maxPendingEvents + " events behind and was closed;"
                            + " watch again after revision " + lastDeliveredRevision);
                    break;
                }
                pending.add(event);
                lastQueuedRevision = event.revision();
            }
            // Most commits touch no key under this prefix: only wake the delivery when there is work.
            if (overflow == null && !pending.isEmpty()) {
                scheduleDelivery();
            }
        }
        if (overflow != null) {
            fail(overflow);
        }
    }

    /** Ends the watch because of a failure; the listener's onClose receives {@code reason}. */
    void fail(StoreException reason) {
        synchronized (this) {
            if (ended) {
                return;
            }
            endLocked();
            undeliveredCloseReason = reason;
            scheduleDelivery();
        }
        onEnded.accept(this);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (ended) {
                return;
            }
            endLocked();
        }
        onEnded.accept(this);
    }

    private void endLocked() {
        ended = true;
        pending.clear();
        if (replayFrom != null && !delivering) {
            replayFrom.release();
            replayFrom = null;
        }
    }

    private void scheduleDelivery() {
        if (delivering) {
            return;
        }
        delivering = true;
        try {
            deliveryPool.execute(this::deliver);
        } catch (RejectedExecutionException storeShutDown) {
            delivering = false;
            if (replayFrom != null) {
                replayFrom.release();
                replayFrom = null;
            }
        }
    }

    private void deliver() {
        try {
            deliverPending();
        } catch (RuntimeException | Error e) {
            // The listener's own failures end the watch in deliverEvent; this is anything else (or an
            // OutOfMemoryError passed on). Either way the watch ends and onClose still gets through.
            if (!(e instanceof OutOfMemoryError)) {
                LOG.warn("Delivery to the watch on '{}' failed; closing the watch", prefix, e);
            }
            fail(new StoreException(ErrorCode.INTERNAL, "watch delivery failed: " + e));
            synchronized (this) {
                delivering = false;
                if (undeliveredCloseReason != null) {
                    scheduleDelivery();
                }
            }
            if (e instanceof OutOfMemoryError oom) {
                throw oom;
            }
        }
    }

    private void deliverPending() {
        replay();
        while (true) {
            WatchEvent next;
            StoreException closeReason = null;
            synchronized (this) {
                next = pending.poll();
                if (next == null) {
                    closeReason = undeliveredCloseReason;
                    undeliveredCloseReason = null;
                    if (closeReason == null) {
                        delivering = false;
                        return;
                    }
                }
            }
            if (next != null) {
                deliverEvent(withOwnValue(next));
            } else {
                deliverClose(closeReason);
            }
        }
    }

    private void replay() {
        Snapshot snapshot;
        synchronized (this) {
            snapshot = replayFrom;
            replayFrom = null;
        }
        if (snapshot == null) {
            return;
        }
        try {
            snapshot.replay(afterRevision, prefix, event -> !isEnded() && deliverEvent(event));
        } catch (RuntimeException e) {
            fail(new StoreException("could not read watch history: " + e.getMessage(), e));
        } finally {
            snapshot.release();
        }
    }

    /** Returns false when the watch ended (possibly because the listener failed). */
    private boolean deliverEvent(WatchEvent event) {
        if (isEnded()) {
            return false;
        }
        try {
            listener.onEvent(event);
        } catch (Throwable e) {
            // Skipping the event would leave the listener with a gap, so the watch ends instead.
            LOG.warn("Watch listener on '{}' failed at revision {}; closing the watch", prefix, event.revision(), e);
            fail(new StoreException(ErrorCode.INTERNAL, "watch listener failed at revision "
                    + event.revision() + ": " + e));
            if (e instanceof OutOfMemoryError oom) {
                throw oom; // after the watch was failed, so that its onClose is still delivered
            }
            return false;
        }
        synchronized (this) {
            lastDeliveredRevision = event.revision();
        }
        return true;
    }

    private void deliverClose(StoreException reason) {
        try {
            listener.onClose(reason);
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            LOG.warn("Watch listener on '{}' failed in onClose", prefix, e);
        }
    }

    private synchronized boolean isEnded() {
        return ended;
    }

    /** Every listener gets its own copy of the value, so none can change what another sees. */
    private static WatchEvent withOwnValue(WatchEvent event) {
        KeyValue kv = event.kv();
        return new WatchEvent(event.type(), new KeyValue(kv.key(), kv.value().clone(), kv.createRevision(),
                kv.modRevision(), kv.version()));
    }
}
