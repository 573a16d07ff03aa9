package org.outpost.agent.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: the n-th retry waits a random time between base / 2 and
 * min(cap, base * 2^n), so agents that lost the same server do not come back in step.
 */
final class Backoff {
    private final long baseMillis;
    private final long capMillis;
    private final RandomGenerator random;
    private int attempts;

    Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
        this.random = random;
    }

    Duration next() {
        long ceiling = Math.min(capMillis, baseMillis << Math.min(attempts, 20));
        attempts++;
        return Duration.ofMillis(baseMillis / 2 + random.nextLong(Math.max(1, ceiling - baseMillis / 2 + 1)));
    }

    void reset() {
        attempts = 0;
    }
}
