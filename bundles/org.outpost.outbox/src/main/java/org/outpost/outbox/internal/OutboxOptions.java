package org.outpost.outbox.internal;

/**
 * How large segments grow and how much the outbox keeps.
 *
 * @param segmentBytes a segment file is rolled once it would grow past this size (it is also capped
 *        at an eighth of {@code maxBytes}, so that the size bound never drops most of the log at once)
 * @param maxBytes the size bound over both lanes; beyond it whole segments are dropped, normal lane first
 * @param maxAgeMillis records older than this are dropped (whole segments whose newest record is older);
 *        {@link Long#MAX_VALUE} for no age bound
 */
public record OutboxOptions(long segmentBytes, long maxBytes, long maxAgeMillis) {

    public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    public static final long DEFAULT_MAX_AGE_MILLIS = 7L * 24 * 3600 * 1000;
    /** The smallest segment size accepted (tests use tiny segments to exercise rolling). */
    public static final long MIN_SEGMENT_BYTES = 1024;
    public static final long MAX_SEGMENT_BYTES = 1L << 30;

    public OutboxOptions {
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes must be between " + MIN_SEGMENT_BYTES + " and "
                    + MAX_SEGMENT_BYTES + ", not " + segmentBytes);
        }
        if (maxBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("maxBytes must be at least " + MIN_SEGMENT_BYTES + ", not " + maxBytes);
        }
        if (maxAgeMillis <= 0) {
            throw new IllegalArgumentException("maxAgeMillis must be positive, not " + maxAgeMillis);
        }
    }

    public static OutboxOptions defaults() {
        return new OutboxOptions(DEFAULT_SEGMENT_BYTES, DEFAULT_MAX_BYTES, DEFAULT_MAX_AGE_MILLIS);
    }

    public OutboxOptions withSegmentBytes(long value) {
        return new OutboxOptions(value, maxBytes, maxAgeMillis);
    }

    public OutboxOptions withMaxBytes(long value) {
        return new OutboxOptions(segmentBytes, value, maxAgeMillis);
    }

    public OutboxOptions withMaxAgeMillis(long value) {
        return new OutboxOptions(segmentBytes, maxBytes, value);
    }

    /** The size at which segments are actually rolled. */
    long rollBytes() {
        return Math.max(MIN_SEGMENT_BYTES, Math.min(segmentBytes, maxBytes / 8));
    }
}
