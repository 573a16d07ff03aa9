package org.outpost.device.modbus.internal;

import java.util.concurrent.TimeUnit;

/**
 * How long a connection waits before it tries an unreachable device again: 0.5 s after the first
 * failure, doubling up to 5 s, so that a dead device costs one timeout every few seconds instead of
 * one per poll. Times are {@link System#nanoTime()} values.
 */
final class ReconnectBackoff {

    static final long FIRST_DELAY_MILLIS = 500;
    static final long MAX_DELAY_MILLIS = 5_000;

    private long delayMillis;
    private long retryAtNanos;
    private String lastFailure;

    /** Records a failure at {@code nowNanos}; the next attempt waits longer than the last. */
    void failed(String reason, long nowNanos) {
        delayMillis = delayMillis == 0 ? FIRST_DELAY_MILLIS : Math.min(delayMillis * 2, MAX_DELAY_MILLIS);
        retryAtNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        lastFailure = reason;
    }

    /** Records a working exchange: the next failure starts from the first delay again. */
    void succeeded() {
        delayMillis = 0;
        lastFailure = null;
    }

    boolean failing() {
        return lastFailure != null;
    }

    /**
     * Null when a connection may be tried at {@code nowNanos}; otherwise the reason to report
     * meanwhile: the last failure and when the next attempt comes.
     */
    String waiting(long nowNanos) {
        if (lastFailure == null) return null;
        long left = retryAtNanos - nowNanos;
        if (left <= 0) return null;
        long seconds = Math.max(1, (TimeUnit.NANOSECONDS.toMillis(left) + 999) / 1000);
        return lastFailure + " (reconnecting in " + seconds + "s)";
    }
}
