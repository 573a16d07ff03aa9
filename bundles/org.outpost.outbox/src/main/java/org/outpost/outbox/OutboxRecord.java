package org.outpost.outbox;

/**
 * One record of the outbox.
 *
 * @param appendedAt milliseconds since the epoch when it was appended
 */
public record OutboxRecord(long seq, int priority, long appendedAt, byte[] payload) {
}
