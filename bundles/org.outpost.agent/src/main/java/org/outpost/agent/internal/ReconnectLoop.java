package org.outpost.agent.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps exactly one attempt to reach the server under way at a time. An attempt starts the
 * channel; it ends (with {@link #ended}) when the channel could not be opened or has closed, and
 * the next one follows after a delay. Two attempts in flight would each replace the other's
 * channel at the server (a node has one channel there), and each loss would start another attempt:
 * the node would flap for ever. So a wake-up ({@link #now}) only shortens a wait; it never starts
 * a second attempt while one runs, and an attempt that already ended cannot end twice.
 */
final class ReconnectLoop {
    /** One try at reaching the server; it calls {@link #ended} exactly when it is over. */
    interface Attempt {
        void start(long attemptId);
    }

    private enum State { IDLE, ATTEMPTING, WAITING, STOPPED }

    private final ScheduledExecutorService executor;
    private final Attempt attempt;
    private State state = State.IDLE; // guarded by this
    private long current; // guarded by this: the attempt under way, or the one that the wait leads to
    private ScheduledFuture<?> wait; // guarded by this

    ReconnectLoop(ScheduledExecutorService executor, Attempt attempt) {
        this.executor = executor;
        this.attempt = attempt;
    }

    /** The first attempt, now. */
    synchronized void start() {
        if (state == State.IDLE) {
            begin(0);
        }
    }

    /** The attempt {@code attemptId} is over; the next one starts after {@code delay}. Later calls for it do nothing. */
    synchronized void ended(long attemptId, Duration delay) {
        if (state != State.ATTEMPTING || attemptId != current) {
            return;
        }
        state = State.WAITING;
        long next = ++current;
        try {
            wait = executor.schedule(() -> fire(next), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            state = State.STOPPED;
        }
    }

    /** A wait in progress ends now (the server has just started in this JVM); an attempt under way goes on. */
    synchronized void now() {
        if (state != State.WAITING) {
            return;
        }
        wait.cancel(false);
        begin(0);
    }

    synchronized void stop() {
        state = State.STOPPED;
        if (wait != null) {
            wait.cancel(false);
        }
    }

    /** Whether an attempt is under way (not waiting, not stopped). */
    synchronized boolean attempting() {
        return state == State.ATTEMPTING;
    }

    private void fire(long attemptId) {
        synchronized (this) {
            if (state != State.WAITING || attemptId != current) {
                return; // woken early by now(), or stopped
            }
            state = State.ATTEMPTING;
        }
        attempt.start(attemptId);
    }

    /** Guarded by this. */
    private void begin(long delayMillis) {
        state = State.ATTEMPTING;
        long id = ++current;
        try {
            executor.schedule(() -> {
                synchronized (this) {
                    if (state != State.ATTEMPTING || id != current) {
                        return;
                    }
                }
                attempt.start(id);
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            state = State.STOPPED;
        }
    }
}
