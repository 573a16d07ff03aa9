package org.outpost.server.internal;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Joins allowed per source address: a token bucket per address that refills at {@code perMinute}
 * and holds at most {@code burst}. Its memory is bounded: at most {@code maxSources} addresses are
 * tracked; a full bucket says nothing a new one would not, so idle sources are forgotten first, and
 * beyond that the least recently seen one. Joins are rare, so one lock is enough.
 */
final class JoinRateLimiter {
    private final Clock clock;
    /** Nanoseconds that earn one join; a bucket holds credit in nanoseconds, so the arithmetic is exact. */
    private final long interval;
    private final long capacity;
    private final int maxSources;
    /** In access order: the eldest entry is the source seen least recently. */
    private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);

    /** Whether a join may go ahead, and if not, in how many whole seconds the next one may. */
    record Decision(boolean allowed, long retryAfterSeconds) {
    }

    private static final class Bucket {
        long credit;
        long updatedNanos;
    }

    JoinRateLimiter(Clock clock, int perMinute, int burst, int maxSources) {
        if (perMinute < 1 || burst < 1 || maxSources < 1) {
            throw new IllegalArgumentException("join rate, burst and tracked sources must be at least 1");
        }
        this.clock = clock;
        this.interval = 60_000_000_000L / perMinute;
        this.capacity = interval * burst;
        this.maxSources = maxSources;
    }

    /** Takes one join from {@code source}'s bucket if there is one. */
    synchronized Decision tryAcquire(String source) {
        long now = nanos();
        Bucket bucket = buckets.get(source);
        if (bucket == null) {
            makeRoom(now);
            bucket = new Bucket();
            bucket.credit = capacity;
            bucket.updatedNanos = now;
            buckets.put(source, bucket);
        }
        refill(bucket, now);
        if (bucket.credit >= interval) {
            bucket.credit -= interval;
            return new Decision(true, 0);
        }
        long waitNanos = interval - bucket.credit;
        return new Decision(false, Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
    }

    synchronized int trackedSources() {
        return buckets.size();
    }

    private void refill(Bucket bucket, long now) {
        long elapsed = Math.max(0, now - bucket.updatedNanos);
        bucket.credit = elapsed >= capacity ? capacity : Math.min(capacity, bucket.credit + elapsed);
        bucket.updatedNanos = now;
    }

    private void makeRoom(long now) {
        if (buckets.size() < maxSources) {
            return;
        }
        for (Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator(); it.hasNext();) {
            Bucket bucket = it.next().getValue();
            refill(bucket, now);
            if (bucket.credit >= capacity) {
                it.remove();
            }
        }
        while (buckets.size() >= maxSources) {
            Iterator<String> eldest = buckets.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    private long nanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
