package org.outpost.store.mvstore.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.store.mvstore.internal.MVStoreKv.Options;

/** The verified backup: written periodically and at close, checked before it replaces the last one. */
class StoreBackupTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("cluster.mv").toAbsolutePath();
    }

    private Path backup() {
        return StoreBackup.backupOf(file());
    }

    @Test
    void aCleanCloseWritesAVerifiedBackupOfTheLastRevision() throws IOException {
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            store.put("a", "1".getBytes(UTF_8));
            store.put("b", "2".getBytes(UTF_8));
            store.delete("a");
        }

        StoreBackup.Info info = StoreBackup.inspect(backup(), MVStoreKv.FORMAT).orElseThrow();
        assertEquals(3, info.revision());
        assertFalse(Files.exists(backup().resolveSibling("cluster.mv.bak.tmp")));
    }

    @Test
    void theBackupRestoresEveryKeyRevisionAndTheWatchHistory() throws IOException {
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            for (int i = 0; i < 2000; i++) {
                store.put("k/" + i, ("v" + i).getBytes(UTF_8));
            }
            store.compact(1000);
        }
        Path restored = dir.resolve("restored").resolve("cluster.mv");
        Files.createDirectories(restored.getParent());
        Files.copy(backup(), restored);

        try (MVStoreKv store = MVStoreKv.open(restored, Options.defaults().withBackupInterval(Duration.ZERO))) {
            assertEquals(2000, store.revision());
            assertEquals(1000, store.compactedRevision());
            assertEquals(2000, store.list("k/").size());
            assertEquals("v1999", store.get("k/1999").orElseThrow().valueAsString());
            RecordingListener history = new RecordingListener();
            store.watch("k/", 1000, history);
            assertEquals(1000, history.awaitRevision(2000).size());
        }
    }

    @Test
    void thePeriodicBackupFollowsTheRevisionWhileTheStoreIsOpen() throws IOException {
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults().withBackupInterval(Duration.ofMillis(50)))) {
            store.put("a", "1".getBytes(UTF_8));
            Await.until("a backup at revision 1", () -> backupRevision() == 1);
            store.put("b", "2".getBytes(UTF_8));
            Await.until("a backup at revision 2", () -> backupRevision() == 2);
        }
    }

    @Test
    void aNewBackupReplacesThePreviousOneOnlyWhenItChangedAndVerified() throws IOException {
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            store.put("a", "1".getBytes(UTF_8));
        }
        FileTime first = Files.getLastModifiedTime(backup());
        Files.setLastModifiedTime(backup(), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            assertEquals(1, store.revision());
        }
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), Files.getLastModifiedTime(backup()).toInstant(),
                "unchanged revision: the backup was left as it was");
        assertTrue(first.toInstant().isAfter(Instant.parse("2020-01-01T00:00:00Z")));

        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            store.put("b", "2".getBytes(UTF_8));
        }
        assertEquals(2, backupRevision(), "rotated to the new revision");
    }

    @Test
    void aBackupThatFailsVerificationIsDiscardedAndThePreviousOneKept() throws IOException {
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            store.put("a", "1".getBytes(UTF_8));
        }
        byte[] previous = Files.readAllBytes(backup());
        // the temp file's name taken by a directory: the new backup cannot be written
        Path temp = backup().resolveSibling("cluster.mv.bak.tmp");
        Files.createDirectories(temp.resolve("in-the-way"));
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            store.put("b", "2".getBytes(UTF_8));
        }
        assertTrue(java.util.Arrays.equals(previous, Files.readAllBytes(backup())), "previous backup untouched");
        assertEquals(1, backupRevision());
    }

    @Test
    void aDamagedBackupIsReportedAsNotUsable() throws IOException {
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            store.put("a", "1".getBytes(UTF_8));
        }
        try (RandomAccessFile raf = new RandomAccessFile(backup().toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
            raf.seek(0);
            raf.write(new byte[64]);
            raf.seek(4096);
            raf.write(new byte[64]);
        }
        assertThrows(IOException.class, () -> StoreBackup.inspect(backup(), MVStoreKv.FORMAT));
        assertTrue(StoreBackup.usable(backup(), MVStoreKv.FORMAT).isEmpty());
    }

    @Test
    void aCopyOfTheBackupOpensAsTheStoreAfterTheStoreWasDamaged() throws IOException {
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            store.put("/registry/nodes/gw-1", "{}".getBytes(UTF_8));
        }
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.setLength(raf.length() - 100);
        }
        assertThrows(StoreDamagedException.class, () -> MVStoreKv.open(file(), Options.defaults()));

        Files.copy(backup(), file(), StandardCopyOption.REPLACE_EXISTING);
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            assertTrue(store.get("/registry/nodes/gw-1").isPresent());
        }
    }

    private long backupRevision() {
        try {
            return StoreBackup.inspect(backup(), MVStoreKv.FORMAT).map(StoreBackup.Info::revision).orElse(-1L);
        } catch (IOException e) {
            return -2; // being replaced right now
        }
    }
}
