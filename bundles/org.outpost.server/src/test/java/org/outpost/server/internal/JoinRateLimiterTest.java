package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The per-source token bucket for joins, on a clock the test moves. */
class JoinRateLimiterTest {
    private final MutableClock clock = new MutableClock(ServerFixture.START);

    @Test
    void aBurstIsAllowedThenOneJoinPerRefillWithTheWaitNamed() {
        JoinRateLimiter limiter = new JoinRateLimiter(clock, 10, 10, 100);
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.tryAcquire("192.0.2.1").allowed(), "join " + (i + 1) + " of the burst");
        }

        JoinRateLimiter.Decision refused = limiter.tryAcquire("192.0.2.1");

        assertFalse(refused.allowed());
        assertEquals(6, refused.retryAfterSeconds(), "10 a minute: the next in 6 s");
        clock.advance(Duration.ofSeconds(5));
        assertFalse(limiter.tryAcquire("192.0.2.1").allowed());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(limiter.tryAcquire("192.0.2.1").allowed(), "one join refilled after 6 s");
        assertFalse(limiter.tryAcquire("192.0.2.1").allowed());
    }

    @Test
    void sourcesHaveTheirOwnBuckets() {
        JoinRateLimiter limiter = new JoinRateLimiter(clock, 10, 2, 100);
        assertTrue(limiter.tryAcquire("192.0.2.1").allowed());
        assertTrue(limiter.tryAcquire("192.0.2.1").allowed());
        assertFalse(limiter.tryAcquire("192.0.2.1").allowed());

        assertTrue(limiter.tryAcquire("192.0.2.2").allowed(), "another address is not slowed by the first");
    }

    @Test
    void aBucketNeverHoldsMoreThanTheBurst() {
        JoinRateLimiter limiter = new JoinRateLimiter(clock, 10, 3, 100);
        limiter.tryAcquire("192.0.2.1");
        clock.advance(Duration.ofHours(1));

        int allowed = 0;
        while (limiter.tryAcquire("192.0.2.1").allowed()) {
            allowed++;
        }

        assertEquals(3, allowed);
    }

    @Test
    void trackedSourcesAreBoundedIdleOnesGoFirst() {
        JoinRateLimiter limiter = new JoinRateLimiter(clock, 60, 2, 3);
        limiter.tryAcquire("a");
        limiter.tryAcquire("b");
        limiter.tryAcquire("b");
        limiter.tryAcquire("c");
        limiter.tryAcquire("c");
        clock.advance(Duration.ofSeconds(1)); // "a" is full again, so idle; "b" and "c" have one join each

        assertTrue(limiter.tryAcquire("d").allowed());

        assertEquals(3, limiter.trackedSources());
        assertTrue(limiter.tryAcquire("b").allowed());
        assertFalse(limiter.tryAcquire("b").allowed(), "a busy source keeps its bucket: forgetting it would refill it");
    }

    @Test
    void manySourcesNeverGrowTheTableBeyondItsBound() {
        JoinRateLimiter limiter = new JoinRateLimiter(clock, 10, 1, 50);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(limiter.tryAcquire("198.51." + (i / 256) + "." + (i % 256)).allowed());
        }

        assertEquals(50, limiter.trackedSources());
    }
}
