package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

class BackoffTest {

    /** Always draws the lowest or the highest value a bound allows. */
    private static RandomGenerator extreme(boolean highest) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only bounded draws");
            }

            @Override
            public long nextLong(long bound) {
                return highest ? bound - 1 : 0;
            }
        };
    }

    @Test
    void ceilingDoublesFromBaseUpToCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), extreme(true));
        long[] ceilings = {100, 200, 400, 800, 1_000, 1_000};
        for (long ceiling : ceilings) {
            assertEquals(ceiling, backoff.next().toMillis());
        }
    }

    @Test
    void shortestWaitIsHalfTheBaseAtEveryAttempt() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), extreme(false));
        for (int attempt = 0; attempt < 8; attempt++) {
            assertEquals(50, backoff.next().toMillis());
        }
    }

    @Test
    void resetStartsAgainFromTheBase() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(10_000), extreme(true));
        for (int attempt = 0; attempt < 5; attempt++) {
            backoff.next();
        }
        assertEquals(3_200, backoff.next().toMillis(), "the sixth wait: base * 2^5");
        backoff.reset();
        assertEquals(100, backoff.next().toMillis());
    }

    @Test
    void waitsAtTheCapAreSpreadNotInStep() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), new SplittableRandom(7));
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int attempt = 0; attempt < 200; attempt++) {
            long wait = backoff.next().toMillis();
            assertTrue(wait >= 50 && wait <= 1_000, "wait " + wait + " within [base/2, cap]");
            if (attempt >= 4) {
                min = Math.min(min, wait);
                max = Math.max(max, wait);
            }
        }
        assertTrue(min < 300 && max > 900, "waits at the cap range over most of it: " + min + ".." + max);
    }

    @Test
    void manyAttemptsDoNotOverflowPastTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(10_000), extreme(true));
        for (int attempt = 0; attempt < 100; attempt++) {
            assertTrue(backoff.next().toMillis() <= 10_000);
        }
    }
}
