package org.outpost.server.internal;

import java.util.function.LongSupplier;

/**
 * One node's ingest budget: a token bucket of readings per second holding at most one second's
 * worth. A batch always passes (its readings are kept at once, in bounded memory); what it takes
 * beyond the budget becomes a debt, and the acknowledgement waits until the debt is paid. Since an
 * agent has only a few batches unacknowledged, a node forwarding faster than its budget is slowed
 * to it, and its outbox keeps the rest.
 */
final class IngestBudget {
    private final LongSupplier nanoTime;
    private double available;
    private long updatedAt;
    private boolean started;
    private long throttledReadings;
    private long throttledMillis;
    private long throttledBatches;

    IngestBudget(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Takes {@code readings} out of the budget.
     *
     * @param perSecond the budget; 0 or less: none
     * @return milliseconds the acknowledgement of these readings must wait; 0 when within the budget
     */
    synchronized long take(int readings, int perSecond) {
        if (perSecond <= 0 || readings <= 0) return 0;
        long now = nanoTime.getAsLong();
        double burst = perSecond;
        if (!started) {
            available = burst;
            started = true;
        } else {
            available = Math.min(burst, available + (now - updatedAt) / 1e9 * perSecond);
        }
        updatedAt = now;
        available -= readings;
        if (available >= 0) return 0;
        long delay = (long) Math.ceil(-available * 1_000.0 / perSecond);
        throttledBatches++;
        throttledReadings += readings;
        throttledMillis += delay;
        return delay;
    }

    /** Readings whose acknowledgement waited for the budget. */
    synchronized long throttledReadings() {
        return throttledReadings;
    }

    /** The waits added up. */
    synchronized long throttledMillis() {
        return throttledMillis;
    }

    synchronized long throttledBatches() {
        return throttledBatches;
    }
}
