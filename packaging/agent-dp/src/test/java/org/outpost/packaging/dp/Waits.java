package org.outpost.packaging.dp;

import java.time.Duration;
import java.util.function.Predicate;

/** Waiting on a condition with a deadline, never for a fixed time. */
final class Waits {
    private static final long POLL_MILLIS = 200;

    /** A value that may be read with checked exceptions; a thrown AssertionError ends the wait at once. */
    @FunctionalInterface
    interface Probe<T> {
        T read() throws Exception;
    }

    private Waits() {
    }

    static void until(String what, Duration timeout, Probe<Boolean> condition) throws InterruptedException {
        value(what, timeout, condition, Boolean.TRUE::equals);
    }

    /** Reads {@code probe} until {@code ok} accepts the value; returns that value. */
    static <T> T value(String what, Duration timeout, Probe<T> probe, Predicate<T> ok) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception lastError = null;
        while (true) {
            try {
                last = probe.read();
                lastError = null;
                if (ok.test(last)) {
                    return last;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what
                        + (lastError != null ? " (last error: " + lastError + ")" : " (last value: " + last + ")"), lastError);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
