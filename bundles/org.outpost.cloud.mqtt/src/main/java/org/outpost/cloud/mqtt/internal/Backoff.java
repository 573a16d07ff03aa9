package org.outpost.cloud.mqtt.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Waits between connection attempts: doubling from {@code base} up to {@code cap}, each wait drawn
 * between half and all of its ceiling so a fleet that lost the same broker does not return in step.
 */
final class Backoff {
    private final long baseMillis;
    private final long capMillis;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
        this.random = random;
    }

    Duration next() {
        long ceiling = Math.min(capMillis, baseMillis << Math.min(failures, 20));
        failures++;
        long floor = Math.max(baseMillis, ceiling / 2);
        return Duration.ofMillis(floor + random.nextLong(ceiling - floor + 1));
    }

    void reset() {
        failures = 0;
    }
}
