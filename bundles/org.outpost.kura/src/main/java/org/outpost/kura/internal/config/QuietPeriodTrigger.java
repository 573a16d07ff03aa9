package org.outpost.kura.internal.config;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task on its own thread once changes have stopped for a quiet period, and at the latest
 * {@value #MAX_DELAY_PERIODS} quiet periods after the first of a burst, so a steady trickle of
 * changes still gets it run. {@link #changed()} never blocks.
 */
final class QuietPeriodTrigger implements AutoCloseable {
    static final int MAX_DELAY_PERIODS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(QuietPeriodTrigger.class);

    private final ScheduledThreadPoolExecutor executor;
    private final Runnable task;
    private final Object lock = new Object();
    private volatile long quietMillis;
    private ScheduledFuture<?> pending;
    private long burstStartNanos;
    private long completedRounds;
    private boolean running;

    QuietPeriodTrigger(String threadName, long quietMillis, Runnable task) {
        this.task = task;
        this.quietMillis = quietMillis;
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    void quietMillis(long quietMillis) {
        this.quietMillis = quietMillis;
    }

    /** Something changed: (re)starts the quiet period. */
    void changed() {
        synchronized (lock) {
            if (executor.isShutdown()) return;
            long now = System.nanoTime();
            long quiet = quietMillis;
            long delay = quiet;
            if (pending == null) {
                burstStartNanos = now;
            } else {
                pending.cancel(false);
                long latest = burstStartNanos + TimeUnit.MILLISECONDS.toNanos(quiet * MAX_DELAY_PERIODS);
                delay = Math.max(0, Math.min(quiet, TimeUnit.NANOSECONDS.toMillis(latest - now)));
            }
            pending = executor.schedule(this::run, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void run() {
        synchronized (lock) {
            pending = null; // a change from now on starts a new round
            running = true;
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("automatic configuration snapshot failed: {}", e.getMessage());
        } finally {
            synchronized (lock) {
                running = false;
                completedRounds++;
                lock.notifyAll();
            }
        }
    }

    /** Rounds run so far (written or found unchanged). */
    long completedRounds() {
        synchronized (lock) {
            return completedRounds;
        }
    }

    /** Waits until no round is waiting or running; false on timeout. */
    boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (lock) {
            while (pending != null || running) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) return false;
                lock.wait(Math.min(left, 50)); // a new pending round does not notify
            }
            return true;
        }
    }

    /** Whether a round is waiting for its quiet period. */
    boolean isPending() {
        synchronized (lock) {
            return pending != null;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (pending != null) pending.cancel(false);
            pending = null;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
