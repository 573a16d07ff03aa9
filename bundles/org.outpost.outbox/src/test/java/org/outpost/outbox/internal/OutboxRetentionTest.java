package org.outpost.outbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.outbox.internal.OutboxTesting.await;
import static org.outpost.outbox.internal.OutboxTesting.drain;
import static org.outpost.outbox.internal.OutboxTesting.drainAndAck;
import static org.outpost.outbox.internal.OutboxTesting.ids;
import static org.outpost.outbox.internal.OutboxTesting.payload;
import static org.outpost.outbox.internal.OutboxTesting.segmentCount;
import static org.outpost.outbox.internal.OutboxTesting.segmentFiles;
import static org.outpost.outbox.internal.OutboxTesting.seqs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.outbox.Outbox;
import org.outpost.outbox.OutboxCursor;
import org.outpost.outbox.OutboxRecord;
import org.outpost.outbox.OutboxStats;

/** Deleting acknowledged segments and keeping within the size and age bounds. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OutboxRetentionTest {

    @TempDir
    Path dir;

    @Test
    void segmentsAreDeletedOnceEveryCursorAcknowledgedThem() throws Exception {
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxTesting.smallSegments())) {
            OutboxCursor first = outbox.cursor("first");
            OutboxCursor second = outbox.cursor("second");
            for (int i = 0; i < 300; i++) {
                outbox.append(i % 50 == 0 ? Outbox.PRIORITY_ALERT : Outbox.PRIORITY_READING, payload("r" + i));
            }
            int normalSegments = segmentCount(dir, Lane.NORMAL);
            assertTrue(normalSegments >= 8, "segments: " + normalSegments);
            List<Path> before = segmentFiles(dir, Lane.NORMAL);

            assertEquals(300, drainAndAck(first).size());
            // the second cursor still holds every segment: wait for a deletion pass, then check nothing went
            await("a cursor flush", () -> cursorFileMentionsProgress());
            assertEquals(before, segmentFiles(dir, Lane.NORMAL));

            List<OutboxRecord> records = drain(second);
            for (OutboxRecord record : records.subList(0, 200)) second.ack(record.seq());
            await("segments before the slowest position are gone", () -> segmentCount(dir, Lane.NORMAL) < normalSegments - 4);
            for (OutboxRecord record : records.subList(200, 300)) second.ack(record.seq());
            await("only the segments being written remain", () -> segmentCount(dir, Lane.NORMAL) == 1
                    && segmentCount(dir, Lane.URGENT) == 1);
            assertEquals(before.get(before.size() - 1), segmentFiles(dir, Lane.NORMAL).get(0), "the newest is kept");
            OutboxStats stats = outbox.stats();
            assertEquals(0, stats.depth());
            assertEquals(0, stats.dropped(), "deleting acknowledged records is not dropping");
            assertTrue(stats.bytes() <= 2 * 4096, "bytes " + stats.bytes());

            outbox.append(Outbox.PRIORITY_READING, payload("after"));
            assertEquals(List.of("after"), ids(drain(first)));
        }
    }

    private boolean cursorFileMentionsProgress() {
        try {
            CursorFile.Contents contents = CursorFile.read(dir);
            return contents.cursors().stream().anyMatch(c -> c.name().equals("first") && c.normal() >= 300);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void withoutCursorsNothingIsDeleted() throws Exception {
        List<Path> before;
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxTesting.smallSegments())) {
            for (int i = 0; i < 300; i++) outbox.append(Outbox.PRIORITY_READING, payload("r" + i));
            before = segmentFiles(dir, Lane.NORMAL);
            assertTrue(before.size() >= 8);
        }
        try (FileOutbox reopened = FileOutbox.open(dir, OutboxTesting.smallSegments())) {
            assertEquals(before, segmentFiles(dir, Lane.NORMAL));
            assertEquals(300, reopened.stats().depth());
            assertEquals(0, reopened.stats().dropped());
        }
    }

    @Test
    void theSizeBoundDropsTheOldestNormalRecordsFirstAndKeepsUrgentOnes() throws Exception {
        long maxBytes = 32 * 1024;
        OutboxOptions options = OutboxTesting.smallSegments().withMaxBytes(maxBytes);
        List<Long> urgent = new ArrayList<>();
        List<Long> normal = new ArrayList<>();
        long dropped;
        try (FileOutbox outbox = FileOutbox.open(dir, options)) {
            OutboxCursor cursor = outbox.cursor("uplink");
            for (int i = 0; i < 20; i++) urgent.add(outbox.append(Outbox.PRIORITY_ALERT, payload("alert" + i)));
            for (int i = 0; i < 1000; i++) normal.add(outbox.append(Outbox.PRIORITY_READING, payload("r" + i)));
            await("within the size bound", () -> outbox.stats().bytes() <= maxBytes);

            List<OutboxRecord> delivered = drain(cursor);
            List<Long> seqs = seqs(delivered);
            assertEquals(urgent, seqs.subList(0, 20), "every urgent record is kept and comes first");
            List<Long> keptNormal = seqs.subList(20, seqs.size());
            assertEquals(normal.subList(normal.size() - keptNormal.size(), normal.size()), keptNormal,
                    "the newest normal records are kept, the oldest dropped");
            OutboxStats stats = outbox.stats();
            dropped = stats.dropped();
            assertEquals(1000 - keptNormal.size(), dropped);
            assertTrue(dropped > 700, "dropped " + dropped);
            assertEquals(dropped, stats.droppedTotal());
            assertEquals(delivered.size(), cursor.pending(), "the cursor moved past the dropped records");
        }
        try (FileOutbox reopened = FileOutbox.open(dir, options)) {
            OutboxStats stats = reopened.stats();
            assertEquals(dropped, stats.droppedTotal(), "the lifetime count survives a reopen");
            assertEquals(0, stats.dropped());
            assertEquals(20 + 1000 - dropped, reopened.cursor("uplink").pending());
        }
    }

    @Test
    void theUrgentLaneIsDroppedOnlyWhenTheNormalLaneIsEmpty() throws Exception {
        long maxBytes = 16 * 1024;
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxTesting.smallSegments().withMaxBytes(maxBytes))) {
            OutboxCursor cursor = outbox.cursor("uplink");
            outbox.append(Outbox.PRIORITY_READING, payload("only normal"));
            List<Long> urgent = new ArrayList<>();
            for (int i = 0; i < 400; i++) urgent.add(outbox.append(Outbox.PRIORITY_LIFECYCLE, payload("u" + i)));
            await("within the size bound", () -> outbox.stats().bytes() <= maxBytes);
            List<Long> delivered = seqs(drain(cursor));
            assertTrue(delivered.size() < 200, "urgent records were dropped: " + delivered.size() + " left");
            assertEquals(urgent.subList(urgent.size() - delivered.size(), urgent.size()), delivered,
                    "the normal record went first, then the oldest urgent ones");
            assertEquals(401 - delivered.size(), outbox.stats().dropped());
        }
    }

    @Test
    void theAgeBoundDropsExpiredRecords() throws Exception {
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxTesting.smallSegments().withMaxAgeMillis(300))) {
            OutboxCursor cursor = outbox.cursor("uplink");
            for (int i = 0; i < 100; i++) outbox.append(Outbox.PRIORITY_READING, payload("r" + i));
            for (int i = 0; i < 5; i++) outbox.append(Outbox.PRIORITY_ALERT, payload("a" + i));
            await("expired records dropped", () -> outbox.stats().dropped() == 105
                    && segmentCount(dir, Lane.NORMAL) == 0 && segmentCount(dir, Lane.URGENT) == 0);
            assertEquals(0, cursor.pending());
            assertEquals(List.of(), cursor.poll(10, 0));
            assertEquals(0, outbox.stats().depth());

            outbox.append(Outbox.PRIORITY_READING, payload("fresh"));
            List<OutboxRecord> fresh = cursor.poll(10, 1000);
            assertEquals(List.of("fresh"), ids(fresh));
            cursor.ack(fresh.get(0).seq());
            assertTrue(Files.exists(dir.resolve(CursorFile.FILE_NAME)));
        }
        try (FileOutbox reopened = FileOutbox.open(dir, OutboxTesting.smallSegments())) {
            assertEquals(105, reopened.stats().droppedTotal());
        }
    }
}
