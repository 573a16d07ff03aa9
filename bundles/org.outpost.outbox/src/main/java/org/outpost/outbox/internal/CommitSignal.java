package org.outpost.outbox.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The highest durable sequence number, and a condition pollers wait on for it to change. The
 * writer publishes lane counters under the same lock, so that a snapshot taken under it is
 * consistent.
 */
final class CommitSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile long committedSeq;
    private int waiters;

    CommitSignal(long committedSeq) {
        this.committedSeq = committedSeq;
    }

    long committedSeq() {
        return committedSeq;
    }

    void publish(long seq, Runnable underLock) {
        lock.lock();
        try {
            underLock.run();
            if (seq > committedSeq) committedSeq = seq;
            if (waiters > 0) changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    <T> T snapshot(Supplier<T> underLock) {
        lock.lock();
        try {
            return underLock.get();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the committed sequence number differs from {@code seen}, {@code wake} holds, or the time is up. */
    void await(long seen, long nanos, BooleanSupplier wake) throws InterruptedException {
        lock.lockInterruptibly();
        waiters++;
        try {
            while (committedSeq == seen && !wake.getAsBoolean() && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            waiters--;
            lock.unlock();
        }
    }

    void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
