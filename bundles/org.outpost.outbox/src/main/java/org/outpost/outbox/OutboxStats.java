package org.outpost.outbox;

import java.util.Map;

/**
 * What the outbox holds and has done since it was opened.
 *
 * @param depth records held (not yet acknowledged by every cursor)
 * @param bytes bytes on disk
 * @param oldestAppendedAt when the oldest held record was appended (ms since the epoch), 0 when empty
 * @param appended records appended since the outbox was opened
 * @param appendRate records appended per second over the last minute
 * @param dropped records dropped by the size or age bound since the outbox was opened
 * @param droppedTotal the same, over the outbox's whole life (kept on disk)
 * @param recoveredBytes bytes of a torn or corrupt tail cut off when the outbox was opened
 * @param pendingByCursor records each cursor has not acknowledged
 */
public record OutboxStats(long depth, long bytes, long oldestAppendedAt, long appended, double appendRate,
        long dropped, long droppedTotal, long recoveredBytes, Map<String, Long> pendingByCursor) {
}
