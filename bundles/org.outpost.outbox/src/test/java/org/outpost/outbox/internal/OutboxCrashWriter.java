package org.outpost.outbox.internal;

import java.io.PrintStream;
import java.nio.file.Path;

import org.outpost.outbox.Outbox;
import org.outpost.outbox.OutboxCursor;
import org.outpost.outbox.OutboxRecord;

/**
 * Run in a child JVM by {@link OutboxRecoveryTest}: creates cursors {@code check} and
 * {@code consumer}, then several threads append as fast as they can and print
 * {@code acked <seq> <id>} after each append returns, while a consumer polls {@code consumer}
 * and prints {@code consumed <seq>} after acknowledging each record, until the process is killed.
 */
public final class OutboxCrashWriter {

    static final int THREADS = 4;

    private OutboxCrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        FileOutbox outbox = FileOutbox.open(Path.of(args[0]), OutboxTesting.smallSegments().withSegmentBytes(16 * 1024));
        outbox.cursor("check");
        OutboxCursor consumer = outbox.cursor("consumer");
        PrintStream out = System.out;
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    for (OutboxRecord record : consumer.poll(100, 1000)) {
                        consumer.ack(record.seq());
                        synchronized (out) {
                            out.println("consumed " + record.seq());
                            out.flush();
                        }
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(4);
            }
        }, "crash-consumer");
        reader.start();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; ; i++) {
                        String id = "w" + thread + "-" + i;
                        int priority = i % 7 == 0 ? Outbox.PRIORITY_ALERT : Outbox.PRIORITY_READING;
                        long seq = outbox.append(priority, OutboxTesting.payload(id));
                        synchronized (out) {
                            out.println("acked " + seq + " " + id);
                            out.flush();
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(3);
                }
            }, "crash-writer-" + t);
            writer.start();
        }
    }
}
