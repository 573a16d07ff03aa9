package org.outpost.cloud.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromOneSecondUpToThirtyAndStartsOverAfterReset() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(1));
        long[] ceilings = {1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000};
        for (long ceiling : ceilings) {
            long wait = backoff.next().toMillis();
            assertTrue(wait >= Math.max(1_000, ceiling / 2) && wait <= ceiling, wait + " for ceiling " + ceiling);
        }
        backoff.reset();
        assertTrue(backoff.next().toMillis() == 1_000);
    }
}
