package org.outpost.outbox.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.outpost.outbox.OutboxCursor;
import org.outpost.outbox.OutboxRecord;

/** Shared fixtures of the outbox tests: payloads that name themselves, draining, waiting on conditions. */
final class OutboxTesting {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final int PAYLOAD_BYTES = 100;

    private OutboxTesting() {
    }

    /** Small segments so that tests roll, delete and drop segments with a few hundred records. */
    static OutboxOptions smallSegments() {
        return OutboxOptions.defaults().withSegmentBytes(4096);
    }

    /** A 100-byte payload that starts with {@code id} (space padded). */
    static byte[] payload(String id) {
        byte[] bytes = new byte[PAYLOAD_BYTES];
        Arrays.fill(bytes, (byte) ' ');
        byte[] text = id.getBytes(UTF_8);
        System.arraycopy(text, 0, bytes, 0, text.length);
        return bytes;
    }

    static String id(OutboxRecord record) {
        return new String(record.payload(), UTF_8).trim();
    }

    static List<String> ids(List<OutboxRecord> records) {
        return records.stream().map(OutboxTesting::id).toList();
    }

    static List<Long> seqs(List<OutboxRecord> records) {
        return records.stream().map(OutboxRecord::seq).toList();
    }

    /** Everything the cursor hands out now (appends that returned are visible at once). */
    static List<OutboxRecord> drain(OutboxCursor cursor) throws IOException, InterruptedException {
        List<OutboxRecord> all = new ArrayList<>();
        List<OutboxRecord> batch;
        while (!(batch = cursor.poll(500, 0)).isEmpty()) all.addAll(batch);
        return all;
    }

    /** Drains and acknowledges everything the cursor hands out now. */
    static List<OutboxRecord> drainAndAck(OutboxCursor cursor) throws IOException, InterruptedException {
        List<OutboxRecord> all = drain(cursor);
        for (OutboxRecord record : all) cursor.ack(record.seq());
        return all;
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) fail("timed out after " + DEADLINE.toSeconds() + " s waiting until " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    static List<Path> segmentFiles(Path dir, String lane) throws IOException {
        Path laneDir = dir.resolve(lane);
        if (!Files.isDirectory(laneDir)) return List.of();
        try (Stream<Path> files = Files.list(laneDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    static int segmentCount(Path dir, String lane) {
        try {
            return segmentFiles(dir, lane).size();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Copies the outbox files (not the lock) as a crash would leave them. */
    static Path copyOf(Path source, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path path : walk.toList()) {
                Path to = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(to);
                } else if (!path.getFileName().toString().equals(FileOutbox.LOCK_FILE)) {
                    try {
                        Files.copy(path, to);
                    } catch (NoSuchFileException e) {
                        // a temporary cursor file renamed meanwhile
                    }
                }
            }
        }
        return target;
    }
}
