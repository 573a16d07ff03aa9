package org.outpost.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.outbox.Outbox;
import org.outpost.outbox.OutboxCursor;
import org.outpost.outbox.OutboxRecord;
import org.outpost.outbox.internal.FileOutbox;
import org.outpost.outbox.internal.OutboxOptions;

/**
 * Outbox throughput on the real disk (next to the raw write + force rate of that disk): durable
 * appends with grouped fsync from 8 producer threads
 * (blocking {@code append}, and {@code appendAsync} with a window of records in flight per producer),
 * one fsync per record from one thread, and replay (poll + ack through a cursor) of a
 * 500,000-record log after a fresh open. Prints the median, min and max of several runs.
 *
 * <pre>java -cp bench/target/outpost-bench-0.1.0.jar:bench/target/lib/* org.outpost.bench.OutboxBench [--dir DIR] [--runs 3] [--seconds 3]</pre>
 */
public final class OutboxBench {

    private static final int PRODUCERS = 8;
    private static final int WINDOW_PER_PRODUCER = 128;
    private static final int REPLAY_RECORDS = 500_000;

    private final Path work;
    private final int runs;
    private final long seconds;
    private final byte[] payload;

    private OutboxBench(Path work, int runs, long seconds) {
        this.work = work;
        this.runs = runs;
        this.seconds = seconds;
        // an encoded DOUBLE reading of 100 bytes, as the telemetry pipeline appends them
        this.payload = TelemetryCodec.encode(Reading.good("boiler-house-3/modbus-tcp-plc-17",
                "supply-water-temperature-sensor-17/celsius", System.currentTimeMillis(), 71.25));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("bench", "target", "outbox-work");
        int runs = 3;
        long seconds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --dir DIR, --runs N, --seconds S)");
            }
        }
        new OutboxBench(dir.toAbsolutePath(), runs, seconds).run();
    }

    private void run() throws Exception {
        deleteTree(work);
        Files.createDirectories(work);
        System.out.printf("Outbox benchmark: %d-byte payloads (encoded DOUBLE reading), %d runs, work dir %s%n%n",
                payload.length, runs, work);
        System.out.println("| figure | median | min | max | target |");
        System.out.println("|---|---|---|---|---|");
        row("raw disk: 100-byte write + force(false) per second, no outbox (for reference)", "-", this::rawForceRate);
        // the light figures first: the pipelined runs leave much dirty data for the disk to write back
        row("durable appends/s, 1 thread, blocking append() (one fsync per record)", "~7,000",
                () -> appendRate(1, false));
        row("durable appends/s, 8 producers, blocking append() (grouped fsync)", "≥ 50,000",
                () -> appendRate(PRODUCERS, false));
        row("durable appends/s, 8 producers, appendAsync() ≤ " + WINDOW_PER_PRODUCER + " in flight each (grouped fsync)",
                "≥ 50,000", () -> appendRate(PRODUCERS, true));
        Path log = buildReplayLog();
        double[] openMillis = new double[runs];
        double[] replay = new double[runs];
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            try (FileOutbox outbox = FileOutbox.open(log, OutboxOptions.defaults().withMaxBytes(1L << 30))) {
                openMillis[run] = (System.nanoTime() - start) / 1e6;
                replay[run] = replayRate(outbox.cursor("replay-" + run));
            }
        }
        print("replayed records/s, poll(1000) + ack, 500,000-record log after a fresh open", "≥ 100,000", replay);
        print("open (recovery scan) of the 500,000-record log, ms", "-", openMillis);
        System.out.printf("%nThe replay reads files the writes just left in the page cache; the figure measures the outbox's%n"
                + "read path, not the disk. Appends are durable: counted once force() returned.%n");
        deleteTree(work);
    }

    private interface Measurement {
        double once() throws Exception;
    }

    private void row(String figure, String target, Measurement measurement) throws Exception {
        double[] values = new double[runs];
        for (int run = 0; run < runs; run++) values[run] = measurement.once();
        print(figure, target, values);
    }

    private static void print(String figure, String target, double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        System.out.printf("| %s | %,.0f | %,.0f | %,.0f | %s |%n", figure, sorted[sorted.length / 2], sorted[0],
                sorted[sorted.length - 1], target);
    }

    /** What the disk gives without the outbox: one 100-byte write and force(false) at a time. */
    private double rawForceRate() throws IOException {
        Path file = work.resolve("raw-force");
        long count = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(payload);
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(Math.max(1, seconds / 2));
            long position = 0;
            while (System.nanoTime() < end) {
                buffer.rewind();
                position += channel.write(buffer, position);
                channel.force(false);
                count++;
            }
            return count * 1e9 / (System.nanoTime() - start);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Appends from {@code producers} threads for the configured time; durable appends per second. */
    private double appendRate(int producers, boolean pipelined) throws Exception {
        Path dir = Files.createTempDirectory(work, "append");
        AtomicLong done = new AtomicLong();
        double rate;
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxOptions.defaults().withMaxBytes(1L << 30))) {
            CountDownLatch go = new CountDownLatch(1);
            long[] endAt = new long[1];
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Thread producer = new Thread(() -> {
                    try {
                        go.await();
                        if (pipelined) {
                            produceAsync(outbox, endAt[0], done);
                        } else {
                            while (System.nanoTime() < endAt[0]) {
                                outbox.append(Outbox.PRIORITY_READING, payload);
                                done.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }, "bench-producer-" + p);
                threads.add(producer);
                producer.start();
            }
            long start = System.nanoTime();
            endAt[0] = start + TimeUnit.SECONDS.toNanos(seconds);
            go.countDown();
            for (Thread thread : threads) thread.join();
            long elapsed = System.nanoTime() - start;
            if (!failures.isEmpty()) throw new IllegalStateException("a producer failed", failures.get(0));
            rate = done.get() * 1e9 / elapsed;
            if (outbox.stats().appended() != done.get()) {
                throw new IllegalStateException("appended " + outbox.stats().appended() + " but counted " + done.get());
            }
        } finally {
            deleteTree(dir);
        }
        return rate;
    }

    private void produceAsync(FileOutbox outbox, long endAt, AtomicLong done) throws Exception {
        ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>(WINDOW_PER_PRODUCER);
        while (System.nanoTime() < endAt) {
            if (inFlight.size() == WINDOW_PER_PRODUCER) {
                inFlight.poll().get();
                done.incrementAndGet();
            }
            inFlight.add(outbox.appendAsync(Outbox.PRIORITY_READING, payload));
        }
        while (!inFlight.isEmpty()) {
            inFlight.poll().get();
            done.incrementAndGet();
        }
    }

    /** A 500,000-record log with one cursor per replay run registered before the first append. */
    private Path buildReplayLog() throws Exception {
        Path dir = work.resolve("replay");
        long start = System.nanoTime();
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxOptions.defaults().withMaxBytes(1L << 30))) {
            for (int run = 0; run < runs; run++) outbox.cursor("replay-" + run);
            ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
            for (int i = 0; i < REPLAY_RECORDS; i++) {
                if (inFlight.size() == 4096) inFlight.poll().get();
                inFlight.add(outbox.appendAsync(Outbox.PRIORITY_READING, payload));
            }
            while (!inFlight.isEmpty()) inFlight.poll().get();
        }
        System.out.printf("(built the %,d-record replay log in %.1f s)%n", REPLAY_RECORDS, (System.nanoTime() - start) / 1e9);
        return dir;
    }

    private static double replayRate(OutboxCursor cursor) throws Exception {
        long start = System.nanoTime();
        long count = 0;
        long lastSeq = 0;
        while (count < REPLAY_RECORDS) {
            List<OutboxRecord> records = cursor.poll(1000, 1000);
            if (records.isEmpty()) throw new IllegalStateException("replay stopped after " + count + " records");
            for (OutboxRecord record : records) {
                if (record.seq() <= lastSeq) throw new IllegalStateException("out of order at seq " + record.seq());
                lastSeq = record.seq();
                cursor.ack(record.seq());
            }
            count += records.size();
        }
        double rate = count * 1e9 / (System.nanoTime() - start);
        if (cursor.pending() != 0) throw new IllegalStateException("pending after replay: " + cursor.pending());
        return rate;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        }
    }
}
