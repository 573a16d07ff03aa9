package org.outpost.store.mvstore.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.StoreException;
import org.outpost.api.Watch;
import org.outpost.api.WatchEvent;
import org.outpost.store.mvstore.internal.MVStoreKv.Options;

/** An Error in one write or in one watch listener neither stops the writer nor leaves a watch hanging. */
class WriterErrorRecoveryTest {

    @TempDir
    Path dir;

    private MVStoreKv store;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    @AfterEach
    void close() {
        threads.shutdownNow();
        if (store != null) {
            store.close();
        }
    }

    private MVStoreKv open() {
        store = MVStoreKv.open(dir.resolve("cluster.mv"), Options.defaults());
        return store;
    }

    @Test
    void aWriteThatThrowsAnErrorHalfWayIsRolledBackAndRefusedAndTheWriterGoesOn() {
        MVStoreKv kv = open();
        kv.put("a", "1".getBytes(UTF_8));

        for (Error error : List.of(new StackOverflowError("deep"), new AssertionError("bug"),
                new NoClassDefFoundError("org/example/Gone"))) {
            StoreException refused = assertThrows(StoreException.class, () -> kv.submit(() -> {
                kv.applyPut("half-written", "x".getBytes(UTF_8));
                throw error;
            }));
            assertEquals(ErrorCode.INTERNAL, refused.code());
            assertTrue(refused.getMessage().contains(error.toString()), refused.getMessage());
        }

        assertFalse(kv.get("half-written").isPresent(), "nothing of the failed writes is kept");
        assertEquals(1, kv.revision(), "the failed writes used no revision");
        KeyValue next = kv.put("b", "2".getBytes(UTF_8));
        assertEquals(2, next.modRevision(), "the writer still commits, with the next revision");
        assertEquals("2", kv.get("b").orElseThrow().valueAsString());
    }

    @Test
    void writesSharingABatchWithAFailingOneAreAllCommitted() throws Exception {
        MVStoreKv kv = open();
        List<Future<?>> writes = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 8; i++) {
                String key = "k/" + round + "/" + i;
                boolean fails = i == 3;
                writes.add(threads.submit(() -> fails
                        ? assertThrows(StoreException.class, () -> kv.submit(() -> {
                            kv.applyPut(key, new byte[1]);
                            throw new StackOverflowError();
                        }))
                        : kv.put(key, key.getBytes(UTF_8))));
            }
        }
        for (Future<?> write : writes) {
            write.get();
        }

        List<KeyValue> all = kv.list("k/");
        assertEquals(20 * 7, all.size(), "every write but the failing ones");
        assertTrue(all.stream().noneMatch(kvp -> kvp.key().endsWith("/3")));
        assertEquals(20 * 7, kv.revision(), "revisions stay contiguous");
    }

    @Test
    void aListenerThatThrowsAnErrorEndsOnlyItsOwnWatchAndTheStoreKeepsCommitting() {
        MVStoreKv kv = open();
        List<Supplier<Error>> errors = List.of(() -> new StackOverflowError("deep"), () -> new AssertionError("bug"),
                () -> new LinkageError("bundle went away"));
        List<RecordingListener> failing = new ArrayList<>();
        for (Supplier<Error> error : errors) {
            RecordingListener listener = new RecordingListener() {
                @Override
                public synchronized void onEvent(WatchEvent event) {
                    throw error.get();
                }
            };
            failing.add(listener);
            kv.watch("", 0, listener);
        }
        RecordingListener healthy = new RecordingListener();
        Watch watch = kv.watch("", 0, healthy);

        for (int i = 1; i <= 50; i++) {
            kv.put("k" + i, new byte[] {(byte) i});
        }

        assertEquals(50, healthy.awaitRevision(50).size(), "the other watch got every event");
        for (RecordingListener listener : failing) {
            StoreException reason = listener.awaitClose();
            assertEquals(ErrorCode.INTERNAL, reason.code());
            assertEquals(1, listener.closeCalls());
        }
        assertEquals(51, kv.put("after", new byte[1]).modRevision());
        healthy.awaitRevision(51);
        watch.close();
    }
}
