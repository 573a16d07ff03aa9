package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The per-node token bucket that turns readings beyond the budget into acknowledgement delays. */
class IngestBudgetTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final IngestBudget budget = new IngestBudget(nanos::get);

    @Test
    void withinTheBudgetNothingWaits() {
        assertEquals(0, budget.take(500, 1_000));
        assertEquals(0, budget.take(500, 1_000));
        nanos.addAndGet(1_000_000_000L);
        assertEquals(0, budget.take(1_000, 1_000), "a second later the bucket is full again");
        assertEquals(0, budget.throttledReadings());
    }

    @Test
    void beyondItTheAcknowledgementWaitsForTheDebt() {
        budget.take(1_000, 1_000);
        assertEquals(500, budget.take(500, 1_000), "500 readings over a budget of 1000/s: half a second");
        assertEquals(1_000, budget.take(500, 1_000));
        nanos.addAndGet(500_000_000L);
        assertEquals(1_000, budget.take(500, 1_000), "half a second paid 500 of the debt; 500 more were added");
        assertEquals(1_500, budget.throttledReadings());
        assertEquals(2_500, budget.throttledMillis());
        assertEquals(3, budget.throttledBatches());
    }

    @Test
    void aSenderThatWaitsForItsAcknowledgementsIsHeldToTheBudget() {
        // an agent with 4 batches in flight that sends the next one when an acknowledgement arrives
        long sent = 0;
        long[] ackAt = new long[4];
        long start = nanos.get();
        for (int batch = 0; batch < 400; batch++) {
            int slot = batch % 4;
            if (ackAt[slot] > nanos.get()) nanos.set(ackAt[slot]);
            long wait = budget.take(500, 1_000);
            ackAt[slot] = nanos.get() + wait * 1_000_000L;
            sent += 500;
        }
        double seconds = (Math.max(nanos.get(), ackAt[3]) - start) / 1e9;
        assertEquals(1_000, sent / seconds, 30, "readings per second");
    }

    @Test
    void noBudgetMeansNoWait() {
        assertEquals(0, budget.take(100_000, 0));
    }
}
