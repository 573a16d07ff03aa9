package org.outpost.outbox.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Appends waiting for the writer thread. Producers add under a short lock; the writer takes the
 * whole list at once (one group) and hands it back for reuse, so that queuing allocates nothing.
 * The queue is bounded ({@link #MAX_QUEUED} requests, {@link #MAX_QUEUED_BYTES} bytes): producers
 * faster than the disk for that long are refused, not held in memory; the refusals are counted.
 */
final class AppendQueue {

    private static final int INITIAL_CAPACITY = 1024;
    private static final int KEPT_CAPACITY = 64 * 1024;
    /** Appends waiting for the writer, at most; the writer takes 600,000 a second on an ordinary disk. */
    static final int MAX_QUEUED = 65_536;
    /** Bytes of payload (plus a request's own size) waiting for the writer, at most. */
    static final long MAX_QUEUED_BYTES = 16L << 20;
    private static final int REQUEST_OVERHEAD = 64;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private ArrayList<AppendRequest> incoming = new ArrayList<>(INITIAL_CAPACITY);
    private ArrayList<AppendRequest> spare = new ArrayList<>(INITIAL_CAPACITY);
    private IOException refusal;
    private boolean closed;
    private boolean wakeRequested;
    private boolean writerWaiting;
    private long queuedBytes;
    private long refusedFull;
    private final int maxQueued;
    private final long maxQueuedBytes;

    AppendQueue() {
        this(MAX_QUEUED, MAX_QUEUED_BYTES);
    }

    AppendQueue(int maxQueued, long maxQueuedBytes) {
        this.maxQueued = maxQueued;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** Queues a request; returns why it cannot be taken (closed or failed), or null. */
    IOException offer(AppendRequest request) {
        lock.lock();
        try {
            if (refusal != null) return refusal;
            long size = (long) request.payload.length + REQUEST_OVERHEAD;
            if (incoming.size() >= maxQueued || queuedBytes + size > maxQueuedBytes) {
                refusedFull++;
                return new IOException("the outbox's append queue is full (" + incoming.size() + " records, "
                        + queuedBytes + " bytes waiting for the disk); the record was not taken");
            }
            queuedBytes += size;
            incoming.add(request);
            if (writerWaiting) ready.signal();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Everything queued, waiting up to {@code nanos} for something (or a wake-up, or close). The list
     * goes back through {@link #recycle} once handled.
     */
    ArrayList<AppendRequest> take(long nanos) {
        lock.lock();
        try {
            while (incoming.isEmpty() && !wakeRequested && !closed && nanos > 0) {
                nanos = await(nanos);
            }
            wakeRequested = false;
            queuedBytes = 0;
            ArrayList<AppendRequest> taken = incoming;
            incoming = spare;
            spare = null;
            return taken;
        } finally {
            lock.unlock();
        }
    }

    private long await(long nanos) {
        writerWaiting = true;
        try {
            return ready.awaitNanos(nanos);
        } catch (InterruptedException e) {
            // Only close stops the writer; an interrupt just ends this wait.
            return 0;
        } finally {
            writerWaiting = false;
        }
    }

    void recycle(ArrayList<AppendRequest> list) {
        // a burst may have grown the list far; do not keep that much memory for good
        ArrayList<AppendRequest> kept = list.size() > KEPT_CAPACITY ? new ArrayList<>(INITIAL_CAPACITY) : list;
        kept.clear();
        lock.lock();
        try {
            spare = kept;
        } finally {
            lock.unlock();
        }
    }

    /** Appends refused because the queue was full, since the outbox was opened. */
    long refusedFull() {
        lock.lock();
        try {
            return refusedFull;
        } finally {
            lock.unlock();
        }
    }

    /** Makes the writer run its housekeeping soon. */
    void wake() {
        lock.lock();
        try {
            wakeRequested = true;
            if (writerWaiting) ready.signal();
        } finally {
            lock.unlock();
        }
    }

    /** From now on appends fail with {@code reason}; what is queued already is still handed out. */
    void refuse(IOException reason) {
        lock.lock();
        try {
            if (refusal == null) refusal = reason;
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses appends and tells the writer to finish once the queue is empty. */
    void close(IOException reason) {
        lock.lock();
        try {
            if (refusal == null) refusal = reason;
            closed = true;
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
