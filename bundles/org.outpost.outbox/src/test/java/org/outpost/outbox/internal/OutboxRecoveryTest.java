package org.outpost.outbox.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.outpost.outbox.internal.OutboxTesting.copyOf;
import static org.outpost.outbox.internal.OutboxTesting.drain;
import static org.outpost.outbox.internal.OutboxTesting.id;
import static org.outpost.outbox.internal.OutboxTesting.ids;
import static org.outpost.outbox.internal.OutboxTesting.payload;
import static org.outpost.outbox.internal.OutboxTesting.segmentFiles;
import static org.outpost.outbox.internal.OutboxTesting.seqs;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.outbox.Outbox;
import org.outpost.outbox.OutboxRecord;

/** Crashes and damaged files: nothing durable is lost, nothing damaged is kept, the outbox always opens. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OutboxRecoveryTest {

    private static final int FRAME_BYTES = Frames.frameBytes(OutboxTesting.PAYLOAD_BYTES);

    @TempDir
    Path dir;

    /**
     * Appends (every append returned, so durable), then takes the files as a crash would leave them
     * while the instance is still running: one copy with the newest segment cut mid-frame, one with
     * garbage after the last frame of each lane.
     */
    @Test
    void aTornTailIsCutAndEveryFullyWrittenRecordSurvives() throws Exception {
        Path live = dir.resolve("live");
        Map<Long, String> written = new LinkedHashMap<>();
        long lastNormal;
        try (FileOutbox outbox = FileOutbox.open(live, OutboxTesting.smallSegments())) {
            outbox.cursor("uplink");
            for (int i = 0; i < 150; i++) {
                String id = "r" + i;
                written.put(outbox.append(i % 10 == 0 ? Outbox.PRIORITY_ALERT : Outbox.PRIORITY_READING, payload(id)), id);
            }
            lastNormal = outbox.append(Outbox.PRIORITY_READING, payload("last"));
            written.put(lastNormal, "last");

            Path torn = copyOf(live, dir.resolve("torn"));
            Path newestNormal = last(segmentFiles(torn, Lane.NORMAL));
            long size = Files.size(newestNormal);
            try (FileChannel channel = FileChannel.open(newestNormal, StandardOpenOption.WRITE)) {
                channel.truncate(size - FRAME_BYTES / 2);
            }

            Path garbage = copyOf(live, dir.resolve("garbage"));
            byte[] junk = new byte[333];
            new Random(7).nextBytes(junk);
            Files.write(last(segmentFiles(garbage, Lane.NORMAL)), junk, StandardOpenOption.APPEND);
            Files.write(last(segmentFiles(garbage, Lane.URGENT)), new byte[] {0, 0, 0, 40, 1, 2}, StandardOpenOption.APPEND);

            try (FileOutbox reopened = FileOutbox.open(torn, OutboxTesting.smallSegments())) {
                assertEquals(FRAME_BYTES - FRAME_BYTES / 2, reopened.stats().recoveredBytes());
                Map<Long, String> expected = new HashMap<>(written);
                expected.remove(lastNormal);
                assertEquals(expected, byseq(drain(reopened.cursor("uplink"))), "all records but the torn one");
                long next = reopened.append(Outbox.PRIORITY_READING, payload("next"));
                assertTrue(next >= lastNormal, "appends continue above the survivors: " + next);
                assertEquals(List.of("next"), ids(drain(reopened.cursor("uplink"))));
            }
            try (FileOutbox reopened = FileOutbox.open(torn, OutboxTesting.smallSegments())) {
                assertEquals(0, reopened.stats().recoveredBytes(), "a second open finds the log clean");
            }

            try (FileOutbox reopened = FileOutbox.open(garbage, OutboxTesting.smallSegments())) {
                assertEquals(333 + 6, reopened.stats().recoveredBytes());
                assertEquals(written, byseq(drain(reopened.cursor("uplink"))), "every record, none of the garbage");
                long next = reopened.append(Outbox.PRIORITY_ALERT, payload("next"));
                assertTrue(next > lastNormal, "appends continue with higher sequence numbers: " + next);
                assertEquals(List.of("next"), ids(drain(reopened.cursor("uplink"))));
            }
        }
    }

    @Test
    void aCorruptRecordInAnOldSegmentDropsTheRestOfThatSegmentOnly() throws Exception {
        List<Long> seqs = new ArrayList<>();
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxTesting.smallSegments())) {
            outbox.cursor("uplink");
            for (int i = 0; i < 120; i++) seqs.add(outbox.append(Outbox.PRIORITY_READING, payload("r" + i)));
        }
        List<Path> segments = segmentFiles(dir, Lane.NORMAL);
        assertTrue(segments.size() >= 3, "several segments: " + segments);
        Path oldest = segments.get(0);
        int perSegment = (int) ((Files.size(oldest) - Frames.SEGMENT_HEADER_BYTES) / FRAME_BYTES);
        int damaged = perSegment / 2;
        long offset = Frames.SEGMENT_HEADER_BYTES + (long) damaged * FRAME_BYTES + FRAME_BYTES - 10;
        flipByte(oldest, offset);

        try (FileOutbox reopened = FileOutbox.open(dir, OutboxTesting.smallSegments())) {
            List<Long> expected = new ArrayList<>(seqs.subList(0, damaged));
            expected.addAll(seqs.subList(perSegment, seqs.size()));
            assertEquals(expected, seqs(drain(reopened.cursor("uplink"))));
            assertEquals((long) (perSegment - damaged) * FRAME_BYTES, reopened.stats().recoveredBytes());
            assertEquals(Frames.SEGMENT_HEADER_BYTES + (long) damaged * FRAME_BYTES, Files.size(oldest));
        }
    }

    @Test
    void aSegmentWhoseFirstRecordIsCorruptIsDeletedWhenOlderOnes() throws Exception {
        List<Long> seqs = new ArrayList<>();
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxTesting.smallSegments())) {
            outbox.cursor("uplink");
            for (int i = 0; i < 80; i++) seqs.add(outbox.append(Outbox.PRIORITY_READING, payload("r" + i)));
        }
        List<Path> segments = segmentFiles(dir, Lane.NORMAL);
        int perSegment = (int) ((Files.size(segments.get(0)) - Frames.SEGMENT_HEADER_BYTES) / FRAME_BYTES);
        flipByte(segments.get(0), Frames.SEGMENT_HEADER_BYTES + 1); // the length of the first frame
        try (FileOutbox reopened = FileOutbox.open(dir, OutboxTesting.smallSegments())) {
            assertEquals(seqs.subList(perSegment, seqs.size()), seqs(drain(reopened.cursor("uplink"))));
            assertTrue(Files.notExists(segments.get(0)));
        }
    }

    @Test
    void aProcessKilledWhileAppendingLosesNoAcknowledgedRecord() throws Exception {
        Path errors = dir.resolve("child-stderr.txt");
        Path log = dir.resolve("outbox");
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), OutboxCrashWriter.class.getName(), log.toString())
                .redirectError(errors.toFile())
                .start();
        Map<Long, String> acknowledged = new HashMap<>();
        Set<Long> consumed = new HashSet<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
            while (acknowledged.size() < 3000 || consumed.size() < 1000) {
                String line = out.readLine();
                if (line == null) fail("the writer exited early; its errors:\n" + Files.readString(errors));
                String[] parts = line.split(" ");
                if (parts[0].equals("consumed")) {
                    consumed.add(Long.parseLong(parts[1]));
                } else {
                    assertEquals("acked", parts[0], line);
                    acknowledged.put(Long.parseLong(parts[1]), parts[2]);
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the writer did not die");
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL");

        try (FileOutbox reopened = FileOutbox.open(log, OutboxOptions.defaults().withSegmentBytes(16 * 1024))) {
            Map<Long, String> found = byseq(drain(reopened.cursor("check")));
            for (Map.Entry<Long, String> entry : acknowledged.entrySet()) {
                assertEquals(entry.getValue(), found.get(entry.getKey()), "acknowledged seq " + entry.getKey());
            }
            Set<Long> redelivered = byseq(drain(reopened.cursor("consumer"))).keySet();
            for (long seq : found.keySet()) {
                if (!consumed.contains(seq)) {
                    assertTrue(redelivered.contains(seq), "record " + seq + " was never acknowledged but is skipped");
                }
            }
            assertTrue(redelivered.size() < found.size(), "the consumer's durable position moved before the kill");
            long highest = found.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            assertTrue(reopened.append(Outbox.PRIORITY_READING, payload("after")) > highest);
        }
    }

    @Test
    void aDamagedCursorFileRedeliversRatherThanSkips() throws Exception {
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxOptions.defaults())) {
            outbox.cursor("uplink");
            for (int i = 0; i < 5; i++) outbox.append(Outbox.PRIORITY_READING, payload("r" + i));
        }
        Files.write(dir.resolve(CursorFile.FILE_NAME), "not a cursor file at all, sorry".getBytes(UTF_8));
        try (FileOutbox reopened = FileOutbox.open(dir, OutboxOptions.defaults())) {
            assertEquals(List.of("r0", "r1", "r2", "r3", "r4"), ids(drain(reopened.cursor("uplink"))));
            assertTrue(Files.exists(dir.resolve(CursorFile.FILE_NAME + ".damaged")));
        }
    }

    @Test
    void aSegmentCreatedJustBeforeACrashIsUsable() throws Exception {
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxOptions.defaults())) {
            outbox.cursor("uplink");
            outbox.append(Outbox.PRIORITY_READING, payload("r0"));
        }
        Path empty = dir.resolve(Lane.NORMAL).resolve(Frames.segmentFileName(5));
        Files.write(empty, new byte[] {'O', 'P'});
        try (FileOutbox reopened = FileOutbox.open(dir, OutboxOptions.defaults())) {
            assertEquals(2, reopened.stats().recoveredBytes());
            long seq = reopened.append(Outbox.PRIORITY_READING, payload("r1"));
            assertTrue(seq >= 5, "above the newest segment's name: " + seq);
            assertEquals(List.of("r0", "r1"), ids(drain(reopened.cursor("uplink"))));
        }
        try (FileOutbox again = FileOutbox.open(dir, OutboxOptions.defaults())) {
            assertEquals(0, again.stats().recoveredBytes());
            assertEquals(2, again.stats().depth());
        }
    }

    private static Map<Long, String> byseq(List<OutboxRecord> records) {
        Map<Long, String> map = new LinkedHashMap<>();
        for (OutboxRecord record : records) {
            if (map.put(record.seq(), id(record)) != null) fail("seq " + record.seq() + " delivered twice");
        }
        return map;
    }

    private static Path last(List<Path> paths) {
        return paths.get(paths.size() - 1);
    }

    private static void flipByte(Path file, long offset) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
            channel.write(one, offset);
        }
    }
}
