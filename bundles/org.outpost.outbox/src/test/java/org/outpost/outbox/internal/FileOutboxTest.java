package org.outpost.outbox.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.outbox.internal.OutboxTesting.await;
import static org.outpost.outbox.internal.OutboxTesting.drain;
import static org.outpost.outbox.internal.OutboxTesting.drainAndAck;
import static org.outpost.outbox.internal.OutboxTesting.id;
import static org.outpost.outbox.internal.OutboxTesting.ids;
import static org.outpost.outbox.internal.OutboxTesting.payload;
import static org.outpost.outbox.internal.OutboxTesting.seqs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.outbox.Outbox;
import org.outpost.outbox.OutboxCursor;
import org.outpost.outbox.OutboxRecord;
import org.outpost.outbox.OutboxStats;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FileOutboxTest {

    @TempDir
    Path dir;

    private final List<FileOutbox> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(FileOutbox::close);
    }

    private FileOutbox open(OutboxOptions options) throws IOException {
        FileOutbox outbox = FileOutbox.open(dir, options);
        opened.add(outbox);
        return outbox;
    }

    private FileOutbox open() throws IOException {
        return open(OutboxOptions.defaults());
    }

    @Test
    void appendPollAckRoundTrip() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor cursor = outbox.cursor("uplink");
        long before = System.currentTimeMillis();
        long first = outbox.append(Outbox.PRIORITY_READING, payload("a"));
        long second = outbox.appendAsync(Outbox.PRIORITY_READING, payload("b")).get(10, TimeUnit.SECONDS);
        assertTrue(second > first, "sequence numbers increase");

        List<OutboxRecord> records = cursor.poll(10, 1000);
        assertEquals(List.of("a", "b"), ids(records));
        assertEquals(List.of(first, second), seqs(records));
        assertEquals(Outbox.PRIORITY_READING, records.get(0).priority());
        assertTrue(records.get(0).appendedAt() >= before && records.get(0).appendedAt() <= System.currentTimeMillis());
        assertArrayEquals(payload("a"), records.get(0).payload());
        assertEquals(2, cursor.pending());
        assertEquals(List.of(), cursor.poll(10, 0), "handed out once");

        cursor.ack(first);
        cursor.ack(second);
        assertEquals(0, cursor.pending());
        OutboxStats stats = outbox.stats();
        assertEquals(2, stats.appended());
        assertEquals(0, stats.depth(), "every cursor acknowledged both");
        assertEquals(Map.of("uplink", 0L), stats.pendingByCursor());
        assertTrue(stats.bytes() > 200, "bytes on disk: " + stats.bytes());
    }

    @Test
    void deliversTheUrgentLaneFirstThenNormalEachInSequenceOrder() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor cursor = outbox.cursor("uplink");
        long r1 = outbox.append(Outbox.PRIORITY_READING, payload("reading-1"));
        long a1 = outbox.append(Outbox.PRIORITY_ALERT, payload("alert-1"));
        long r2 = outbox.append(Outbox.PRIORITY_LOW, payload("low-1"));
        long l1 = outbox.append(Outbox.PRIORITY_LIFECYCLE, payload("birth"));
        long r3 = outbox.append(9, payload("reading-2"));
        assertTrue(r1 < a1 && a1 < r2 && r2 < l1 && l1 < r3, "global sequence order of appends");

        List<OutboxRecord> records = cursor.poll(100, 1000);
        assertEquals(List.of("alert-1", "birth", "reading-1", "low-1", "reading-2"), ids(records));
        assertEquals(List.of(a1, l1, r1, r2, r3), seqs(records));
        assertEquals(List.of(2, 0, 5, 7, 9), records.stream().map(OutboxRecord::priority).toList());
    }

    @Test
    void urgentRecordsAppendedLaterOvertakeNormalOnesNotYetHandedOut() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor cursor = outbox.cursor("uplink");
        for (int i = 0; i < 5; i++) outbox.append(Outbox.PRIORITY_READING, payload("r" + i));
        assertEquals(List.of("r0", "r1"), ids(cursor.poll(2, 0)));
        outbox.append(Outbox.PRIORITY_ALERT, payload("alert"));
        assertEquals(List.of("alert", "r2", "r3"), ids(cursor.poll(3, 0)));
    }

    @Test
    void outOfOrderAcksMoveThePositionOverTheContiguousPrefixOnly() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor cursor = outbox.cursor("uplink");
        for (int i = 1; i <= 5; i++) outbox.append(Outbox.PRIORITY_READING, payload("r" + i));
        List<Long> seqs = seqs(cursor.poll(5, 1000));
        assertEquals(5, seqs.size());

        cursor.ack(seqs.get(1));
        cursor.ack(seqs.get(2));
        cursor.ack(seqs.get(4));
        cursor.ack(seqs.get(4)); // repeated: ignored
        cursor.ack(999_999); // unknown: ignored
        assertEquals(2, cursor.pending(), "r1 and r4 are not acknowledged");

        outbox.close();
        FileOutbox reopened = open();
        OutboxCursor again = reopened.cursor("uplink");
        assertEquals(List.of("r1", "r2", "r3", "r4", "r5"), ids(drain(again)),
                "nothing was durable past r1: the position had not moved");
        for (long seq : List.of(seqs.get(1), seqs.get(2), seqs.get(4))) again.ack(seq);
        again.ack(seqs.get(0));
        assertEquals(1, again.pending(), "r4 only");
        again.rewind();
        assertEquals(List.of("r4"), ids(drain(again)), "a rewind skips the acknowledged ones");

        reopened.close();
        FileOutbox third = open();
        assertEquals(List.of("r4", "r5"), ids(drain(third.cursor("uplink"))),
                "the position moved over r1..r3; r5 (acknowledged beyond the gap) may come again");
    }

    @Test
    void rewindHandsOutEveryUnacknowledgedRecordAgain() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor cursor = outbox.cursor("uplink");
        for (int i = 1; i <= 4; i++) outbox.append(i == 3 ? Outbox.PRIORITY_ALERT : Outbox.PRIORITY_READING, payload("r" + i));
        List<OutboxRecord> first = cursor.poll(10, 1000);
        assertEquals(List.of("r3", "r1", "r2", "r4"), ids(first));
        cursor.ack(first.get(2).seq()); // r2

        cursor.rewind();
        assertEquals(List.of("r3", "r1", "r4"), ids(cursor.poll(10, 1000)));
        assertEquals(List.of(), cursor.poll(10, 0));
        outbox.append(Outbox.PRIORITY_READING, payload("r5"));
        assertEquals(List.of("r5"), ids(cursor.poll(10, 1000)));
        assertEquals(4, cursor.pending());
    }

    @Test
    void reopeningKeepsUnacknowledgedRecordsAndCursorPositions() throws Exception {
        FileOutbox outbox = open(OutboxTesting.smallSegments());
        OutboxCursor fast = outbox.cursor("fast");
        OutboxCursor slow = outbox.cursor("slow");
        List<Long> appended = new ArrayList<>();
        for (int i = 0; i < 100; i++) appended.add(outbox.append(Outbox.PRIORITY_READING, payload("r" + i)));
        List<OutboxRecord> fastRecords = drain(fast);
        for (OutboxRecord record : fastRecords.subList(0, 60)) fast.ack(record.seq());
        drain(slow);
        outbox.close();

        FileOutbox reopened = open(OutboxTesting.smallSegments());
        OutboxStats stats = reopened.stats();
        assertEquals(Map.of("fast", 40L, "slow", 100L), stats.pendingByCursor());
        assertEquals(100, stats.depth());
        assertEquals(0, stats.recoveredBytes(), "a clean close leaves nothing to cut");
        List<OutboxRecord> fastAgain = drain(reopened.cursor("fast"));
        assertEquals(appended.subList(60, 100), seqs(fastAgain));
        assertEquals(appended, seqs(drain(reopened.cursor("slow"))));
        long next = reopened.append(Outbox.PRIORITY_READING, payload("after"));
        assertTrue(next > appended.get(99), "sequence numbers continue: " + next);
    }

    @Test
    void aNewCursorStartsAtTheEndOfTheLog() throws Exception {
        FileOutbox outbox = open();
        outbox.append(Outbox.PRIORITY_READING, payload("old"));
        outbox.append(Outbox.PRIORITY_ALERT, payload("old alert"));
        OutboxCursor cursor = outbox.cursor("late");
        assertSame(cursor, outbox.cursor("late"));
        assertEquals(0, cursor.pending());
        assertEquals(List.of(), cursor.poll(10, 0));
        outbox.append(Outbox.PRIORITY_READING, payload("new"));
        assertEquals(List.of("new"), ids(cursor.poll(10, 1000)));
        assertEquals(1, cursor.pending());
    }

    @Test
    void pollWaitsForAnAppendWithoutSpinning() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor cursor = outbox.cursor("uplink");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            List<Thread> poller = new ArrayList<>();
            Future<List<OutboxRecord>> polled = executor.submit(() -> {
                synchronized (poller) {
                    poller.add(Thread.currentThread());
                }
                return cursor.poll(10, 20_000);
            });
            await("the poll waits", () -> {
                synchronized (poller) {
                    return !poller.isEmpty() && poller.get(0).getState() == Thread.State.TIMED_WAITING;
                }
            });
            long start = System.nanoTime();
            outbox.append(Outbox.PRIORITY_READING, payload("wake"));
            assertEquals(List.of("wake"), ids(polled.get(10, TimeUnit.SECONDS)));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void pollReturnsEmptyAfterTheTimeout() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor cursor = outbox.cursor("uplink");
        long start = System.nanoTime();
        assertEquals(List.of(), cursor.poll(10, 100));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void manyThreadsAppendingConcurrentlyGetUniqueSequenceNumbersAndNothingIsLost() throws Exception {
        FileOutbox outbox = open(OutboxOptions.defaults().withSegmentBytes(64 * 1024));
        OutboxCursor cursor = outbox.cursor("uplink");
        int threads = 8;
        int perThread = 1500;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        Map<Long, String> appended = new HashMap<>();
        try {
            List<Future<Map<Long, String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(executor.submit(() -> {
                    Map<Long, String> mine = new HashMap<>();
                    List<CompletableFuture<Long>> pending = new ArrayList<>();
                    List<String> pendingIds = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String id = "t" + thread + "-" + i;
                        int priority = i % 10 == 0 ? Outbox.PRIORITY_ALERT : Outbox.PRIORITY_READING;
                        if (i % 2 == 0) {
                            mine.put(outbox.append(priority, payload(id)), id);
                        } else {
                            pending.add(outbox.appendAsync(priority, payload(id)));
                            pendingIds.add(id);
                        }
                    }
                    for (int i = 0; i < pending.size(); i++) mine.put(pending.get(i).get(), pendingIds.get(i));
                    return mine;
                }));
            }
            for (Future<Map<Long, String>> result : results) {
                Map<Long, String> mine = result.get(60, TimeUnit.SECONDS);
                for (Map.Entry<Long, String> entry : mine.entrySet()) {
                    assertEquals(null, appended.put(entry.getKey(), entry.getValue()), "seq " + entry.getKey() + " twice");
                }
            }
        } finally {
            executor.shutdownNow();
        }
        assertEquals(threads * perThread, appended.size(), "every append got its own sequence number");

        List<OutboxRecord> records = drain(cursor);
        assertEquals(threads * perThread, records.size());
        Set<Long> seen = new HashSet<>();
        for (OutboxRecord record : records) {
            assertTrue(seen.add(record.seq()));
            assertEquals(appended.get(record.seq()), id(record), "payload of seq " + record.seq());
        }
        assertEquals(threads * perThread, outbox.stats().appended());
    }

    @Test
    void oneThreadPollsWhileAnotherAcknowledgesAndOthersAppend() throws Exception {
        FileOutbox outbox = open(OutboxTesting.smallSegments());
        OutboxCursor cursor = outbox.cursor("uplink");
        int total = 6000;
        java.util.concurrent.BlockingQueue<Long> toAck = new java.util.concurrent.LinkedBlockingQueue<>();
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            Future<?> producers = executor.submit(() -> {
                for (int i = 0; i < total / 2; i++) outbox.appendAsync(i % 9 == 0 ? 1 : 6, payload("p" + i));
                return null;
            });
            Future<?> producers2 = executor.submit(() -> {
                for (int i = 0; i < total / 2; i++) outbox.append(Outbox.PRIORITY_READING, payload("q" + i));
                return null;
            });
            Future<Set<Long>> poller = executor.submit(() -> {
                Set<Long> seen = new HashSet<>();
                while (seen.size() < total) {
                    for (OutboxRecord record : cursor.poll(64, 10_000)) {
                        assertTrue(seen.add(record.seq()), "handed out twice: " + record.seq());
                        toAck.add(record.seq());
                    }
                }
                toAck.add(-1L);
                return seen;
            });
            Future<Integer> acker = executor.submit(() -> {
                int acked = 0;
                for (long seq = toAck.take(); seq >= 0; seq = toAck.take()) {
                    cursor.ack(seq);
                    acked++;
                }
                return acked;
            });
            producers.get(60, TimeUnit.SECONDS);
            producers2.get(60, TimeUnit.SECONDS);
            assertEquals(total, poller.get(60, TimeUnit.SECONDS).size());
            assertEquals(total, acker.get(60, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
        assertEquals(0, cursor.pending());
        assertEquals(0, outbox.stats().depth());
        outbox.close();
        FileOutbox reopened = open(OutboxTesting.smallSegments());
        assertEquals(List.of(), reopened.cursor("uplink").poll(10, 0), "the acknowledged position was durable on close");
        await("acknowledged segments deleted", () -> OutboxTesting.segmentCount(dir, Lane.NORMAL) == 1);
    }

    @Test
    void appendsAfterCloseFail() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor cursor = outbox.cursor("uplink");
        outbox.append(Outbox.PRIORITY_READING, payload("before"));
        outbox.close();
        IOException thrown = assertThrows(IOException.class, () -> outbox.append(Outbox.PRIORITY_READING, payload("after")));
        assertTrue(thrown.getMessage().contains("closed"), thrown.getMessage());
        ExecutionException async = assertThrows(ExecutionException.class,
                () -> outbox.appendAsync(Outbox.PRIORITY_READING, payload("after")).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, async.getCause());
        assertThrows(IOException.class, () -> cursor.poll(1, 0));
        assertThrows(IOException.class, () -> outbox.cursor("other"));

        FileOutbox reopened = open();
        assertEquals(List.of("before"), ids(drain(reopened.cursor("uplink"))), "the refused appends are not in the log");
    }

    @Test
    void appendsAfterAFailedWriteFail() throws Exception {
        FileOutbox outbox = open(OutboxTesting.smallSegments());
        OutboxCursor cursor = outbox.cursor("uplink");
        long kept = outbox.append(Outbox.PRIORITY_READING, payload("kept"));
        // the lane directory vanishes: the next segment cannot be created
        for (Path segment : OutboxTesting.segmentFiles(dir, Lane.NORMAL)) java.nio.file.Files.delete(segment);
        java.nio.file.Files.delete(dir.resolve(Lane.NORMAL));
        IOException failed = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 100; i++) outbox.append(Outbox.PRIORITY_READING, payload("r" + i));
        });
        IOException after = assertThrows(IOException.class, () -> outbox.append(Outbox.PRIORITY_ALERT, payload("after")));
        assertTrue(after.getMessage().contains("failed write"), after.getMessage());
        ExecutionException async = assertThrows(ExecutionException.class,
                () -> outbox.appendAsync(Outbox.PRIORITY_READING, payload("after")).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, async.getCause());
        assertTrue(failed.getMessage() != null);
        assertTrue(outbox.stats().appended() >= 1 && kept > 0);
        outbox.close();
        assertThrows(IOException.class, () -> cursor.poll(1, 0));
    }

    @Test
    void aBlockingAppendFromACompletionActionIsRefusedInsteadOfDeadlocking() throws Exception {
        FileOutbox outbox = open();
        CompletableFuture<Throwable> chained = outbox.appendAsync(Outbox.PRIORITY_READING, payload("first"))
                .handle((seq, error) -> {
                    try {
                        outbox.append(Outbox.PRIORITY_READING, payload("second"));
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                });
        Throwable result = chained.get(10, TimeUnit.SECONDS);
        // the action ran on the writer thread (refused) or on this thread, if the append had completed already
        if (result != null) assertTrue(result.getMessage().contains("appendAsync"), result.getMessage());
    }

    @Test
    void closeWakesAWaitingPoll() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor cursor = outbox.cursor("uplink");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<List<OutboxRecord>> polled = executor.submit(() -> cursor.poll(10, 60_000));
            await("the poll started", () -> cursor.pending() == 0 && !polled.isDone());
            outbox.close();
            ExecutionException failed = assertThrows(ExecutionException.class, () -> polled.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, failed.getCause());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void removedCursorsAreForgottenAndStopHoldingRecords() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor kept = outbox.cursor("kept");
        OutboxCursor removed = outbox.cursor("removed");
        outbox.append(Outbox.PRIORITY_READING, payload("r"));
        drainAndAck(kept);
        assertEquals(Map.of("kept", 0L, "removed", 1L), outbox.stats().pendingByCursor());
        assertEquals(1, outbox.stats().depth());

        outbox.removeCursor("removed");
        outbox.removeCursor("never existed");
        assertEquals(Map.of("kept", 0L), outbox.stats().pendingByCursor());
        assertEquals(0, outbox.stats().depth());
        assertThrows(IOException.class, () -> removed.poll(1, 0));

        outbox.close();
        FileOutbox reopened = open();
        assertEquals(Map.of("kept", 0L), reopened.stats().pendingByCursor(), "the removal is durable");
    }

    @Test
    void largePayloadsCrossBufferAndSegmentSizes() throws Exception {
        FileOutbox outbox = open(OutboxTesting.smallSegments());
        OutboxCursor cursor = outbox.cursor("uplink");
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        outbox.append(Outbox.PRIORITY_READING, payload("small"));
        outbox.append(Outbox.PRIORITY_READING, big);
        outbox.append(Outbox.PRIORITY_READING, payload("after"));
        List<OutboxRecord> records = drain(cursor);
        assertEquals(3, records.size());
        assertArrayEquals(big, records.get(1).payload());
        assertEquals("after", id(records.get(2)));
        outbox.close();
        FileOutbox reopened = open(OutboxTesting.smallSegments());
        assertEquals(0, reopened.stats().recoveredBytes());
        assertEquals(3, reopened.stats().depth());
    }

    @Test
    void theCallerMayReuseThePayloadArray() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor cursor = outbox.cursor("uplink");
        byte[] buffer = payload("first");
        CompletableFuture<Long> pending = outbox.appendAsync(Outbox.PRIORITY_READING, buffer);
        System.arraycopy(payload("changed"), 0, buffer, 0, buffer.length);
        pending.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("first"), ids(drain(cursor)));
    }

    @Test
    void statsReportDepthAgeAndRate() throws Exception {
        FileOutbox outbox = open();
        assertEquals(0, outbox.stats().oldestAppendedAt());
        long before = System.currentTimeMillis();
        for (int i = 0; i < 20; i++) outbox.append(Outbox.PRIORITY_READING, payload("r" + i));
        OutboxStats stats = outbox.stats();
        assertEquals(20, stats.depth(), "without cursors every record is held");
        assertEquals(20, stats.appended());
        assertTrue(stats.oldestAppendedAt() >= before, "oldest " + stats.oldestAppendedAt());
        assertTrue(stats.appendRate() > 0, "rate " + stats.appendRate());
        assertEquals(0, stats.dropped());
        assertEquals(Map.of(), stats.pendingByCursor());
    }

    @Test
    void badArgumentsAreRefusedWithAClearMessage() throws Exception {
        FileOutbox outbox = open();
        IllegalArgumentException priority = assertThrows(IllegalArgumentException.class,
                () -> outbox.append(10, payload("x")));
        assertTrue(priority.getMessage().contains("priority"), priority.getMessage());
        assertThrows(IllegalArgumentException.class, () -> outbox.appendAsync(-1, payload("x")));
        assertThrows(NullPointerException.class, () -> outbox.append(5, null));
        assertThrows(IllegalArgumentException.class, () -> outbox.cursor(" "));
        OutboxCursor cursor = outbox.cursor("uplink");
        assertThrows(IllegalArgumentException.class, () -> cursor.poll(0, 0));
        assertThrows(IllegalArgumentException.class, () -> cursor.poll(1, -1));
        IllegalArgumentException options = assertThrows(IllegalArgumentException.class,
                () -> OutboxOptions.defaults().withSegmentBytes(10));
        assertTrue(options.getMessage().contains("segmentBytes"), options.getMessage());
    }

    @Test
    void aSecondInstanceCannotOpenTheSameDirectory() throws Exception {
        open();
        IOException thrown = assertThrows(IOException.class, () -> FileOutbox.open(dir, OutboxOptions.defaults()));
        assertTrue(thrown.getMessage().contains("already open"), thrown.getMessage());
    }

    @Test
    void emptyPayloadsAreRecords() throws Exception {
        FileOutbox outbox = open();
        OutboxCursor cursor = outbox.cursor("uplink");
        outbox.append(Outbox.PRIORITY_READING, new byte[0]);
        List<OutboxRecord> records = drain(cursor);
        assertEquals(1, records.size());
        assertEquals(0, records.get(0).payload().length);
        assertFalse(outbox.stats().bytes() == 0);
    }
}
