package org.outpost.outbox.internal;

/** Appends per second over the last minute, from one sample of the append counter per second. */
final class AppendRate {

    private static final int WINDOW_SECONDS = 60;

    private final long[] sampleMillis = new long[WINDOW_SECONDS + 1];
    private final long[] sampleCounts = new long[WINDOW_SECONDS + 1];
    private int next;
    private int size;

    AppendRate(long openedMillis) {
        sample(openedMillis, 0);
    }

    synchronized void sample(long nowMillis, long appended) {
        sampleMillis[next] = nowMillis;
        sampleCounts[next] = appended;
        next = (next + 1) % sampleMillis.length;
        if (size < sampleMillis.length) size++;
    }

    /** The rate between the oldest sample within the window and now. */
    synchronized double perSecond(long nowMillis, long appended) {
        int oldest = (next - size + sampleMillis.length) % sampleMillis.length;
        for (int i = 0; i < size; i++) {
            int slot = (oldest + i) % sampleMillis.length;
            long age = nowMillis - sampleMillis[slot];
            if (age <= WINDOW_SECONDS * 1000L) {
                return age <= 0 ? 0 : (appended - sampleCounts[slot]) * 1000.0 / age;
            }
        }
        return 0;
    }
}
