package org.outpost.store.mvstore.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.KeyValue;
import org.outpost.api.WatchEvent;

/** The read view must show exactly the commit it was taken at, whatever the writer does next. */
class SnapshotTest {

    @TempDir
    Path dir;

    private MVStore store;
    private MVMap<String, byte[]> keys;
    private MVMap<Long, byte[]> log;

    @BeforeEach
    void openStore() {
        store = new MVStore.Builder().fileName(dir.resolve("s.mv").toString())
                .autoCommitDisabled().autoCommitBufferSize(0).open();
        keys = store.openMap("keys", new MVMap.Builder<String, byte[]>()
                .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
        log = store.openMap("log", new MVMap.Builder<Long, byte[]>()
                .keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    private final Snapshot.Pins pins = new Snapshot.Pins();

    @AfterEach
    void closeStore() {
        store.close();
    }

    private void put(long revision, String key) {
        KeyValue kv = new KeyValue(key, key.getBytes(UTF_8), revision, revision, 1);
        keys.put(key, Codec.encodeEntry(kv));
        log.put(revision, Codec.encodeEvent(new WatchEvent(WatchEvent.Type.PUT, kv)));
    }

    @Test
    void snapshotDoesNotSeeWritesMadeAfterItsCommit() {
        put(1, "a");
        store.commit();
        Snapshot snapshot = Snapshot.ofLatestCommit(store, pins, keys, log, 1, 0);

        put(2, "b");
        keys.remove("a");
        store.commit();

        assertTrue(snapshot.get("a").isPresent());
        assertFalse(snapshot.get("b").isPresent());
        assertEquals(List.of("a"), snapshot.list("").stream().map(KeyValue::key).toList());
        List<Long> replayed = new ArrayList<>();
        snapshot.replay(0, "", event -> replayed.add(event.revision()));
        assertEquals(List.of(1L), replayed);
        snapshot.release();
    }

    @Test
    void replayStopsWhenTheConsumerSaysSoAndSkipsOtherPrefixes() {
        put(1, "x/1");
        put(2, "y/1");
        put(3, "x/2");
        put(4, "x/3");
        store.commit();
        Snapshot snapshot = Snapshot.ofLatestCommit(store, pins, keys, log, 4, 0);

        List<Long> replayed = new ArrayList<>();
        snapshot.replay(0, "x/", event -> replayed.add(event.revision()) && replayed.size() < 2);

        assertEquals(List.of(1L, 3L), replayed);
        snapshot.release();
    }

    @Test
    void releasedSnapshotCannotBeAcquiredAgainAndNoLongerCountsAsPinned() {
        store.commit();
        Snapshot snapshot = Snapshot.ofLatestCommit(store, pins, keys, log, 0, 0);

        assertTrue(snapshot.tryAcquire());
        snapshot.release();
        assertEquals(1, pins.awaitNone(10), "the store's own hold still pins it");
        snapshot.release();

        assertEquals(0, pins.awaitNone(10));
        assertFalse(snapshot.tryAcquire());
    }
}
