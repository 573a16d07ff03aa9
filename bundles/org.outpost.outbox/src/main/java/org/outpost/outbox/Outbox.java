package org.outpost.outbox;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A durable append-only log with priorities. Records with a priority up to {@link #URGENT_MAX}
 * form the urgent lane and are delivered before everything else; the rest are delivered in append
 * order. Sequence numbers are unique and increase across both lanes.
 *
 * <p>When the log reaches its size or age bound, it drops the oldest records of the lowest
 * priority first (never urgent ones while others remain) and counts them in
 * {@link OutboxStats#dropped()}.
 */
@ProviderType
public interface Outbox {

    /** Lifecycle messages (Kura reserves priorities 0 and 1 for them). */
    int PRIORITY_LIFECYCLE = 0;
    /** Alerts raised by edge rules. */
    int PRIORITY_ALERT = 2;
    /** The highest priority number of the urgent lane. */
    int URGENT_MAX = 2;
    /** Readings. */
    int PRIORITY_READING = 5;
    /** Window aggregates and other data that may go first when space runs out. */
    int PRIORITY_LOW = 7;

    /**
     * Appends a record and returns once it is on disk (fsync'd together with the records other
     * threads appended meanwhile).
     *
     * @param priority 0 (highest) to 9
     * @return the record's sequence number
     * @throws IOException when the record could not be made durable; it is then not in the log
     */
    long append(int priority, byte[] payload) throws IOException;

    /** As {@link #append}, without blocking: completes with the sequence number once durable. */
    CompletableFuture<Long> appendAsync(int priority, byte[] payload);

    /**
     * The named cursor, created at the end of the log (it sees records appended from now on) if it
     * does not exist yet. Cursors are durable: they keep holding records across restarts until
     * {@link #removeCursor}.
     */
    OutboxCursor cursor(String name) throws IOException;

    /** Forgets a cursor; records only it held are deleted. Nothing happens for an unknown name. */
    void removeCursor(String name) throws IOException;

    OutboxStats stats();
}
