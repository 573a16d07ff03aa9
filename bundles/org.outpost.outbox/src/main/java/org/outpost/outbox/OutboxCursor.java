package org.outpost.outbox;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One consumer's position in the outbox. Records are handed out once by {@link #poll} and stay in
 * the log until {@link #ack acknowledged}; {@link #rewind} hands out every unacknowledged record
 * again (after a lost connection). Acknowledgements may arrive in any order; the durable position
 * moves over the acknowledged prefix. One thread polls a cursor at a time.
 */
@ProviderType
public interface OutboxCursor {

    String name();

    /**
     * The next records not handed out yet: urgent lane first, then the normal lane, each in sequence
     * order, at most {@code max}. Waits up to {@code timeoutMillis} for the first one.
     *
     * @return the records; empty after the timeout
     */
    List<OutboxRecord> poll(int max, long timeoutMillis) throws IOException, InterruptedException;

    /** Acknowledges a record handed out by {@link #poll}; unknown or repeated sequence numbers are ignored. */
    void ack(long seq);

    /** Hands out again, from the start, every record not acknowledged yet. */
    void rewind();

    /** Records not acknowledged yet by this cursor (handed out or not). */
    long pending();
}
