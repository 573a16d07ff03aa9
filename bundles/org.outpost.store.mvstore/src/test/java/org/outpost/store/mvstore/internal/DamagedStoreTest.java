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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.store.mvstore.internal.MVStoreKv.Options;

/** A store file that is truncated or has flipped bytes is refused by name, never opened half-way. */
class DamagedStoreTest {

    private static final int KEYS = 400;

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("db").resolve("cluster.mv");
    }

    /** A store with KEYS keys, then closed cleanly (which writes the verified backup). */
    private long writeStore(Options options) {
        try (MVStoreKv store = MVStoreKv.open(file(), options)) {
            for (int i = 0; i < KEYS; i++) {
                store.put(String.format("/registry/nodes/gw-%04d", i), ("{\"version\":1,\"n\":" + i + "}").getBytes(UTF_8));
            }
            return store.revision();
        }
    }

    private StoreDamagedException assertRefused() {
        StoreDamagedException refused = assertThrows(StoreDamagedException.class,
                () -> MVStoreKv.open(file(), Options.defaults()).close());
        assertEquals(file().toAbsolutePath(), refused.file());
        assertTrue(refused.getMessage().startsWith("the cluster store " + file().toAbsolutePath() + " is damaged ("),
                refused.getMessage());
        return refused;
    }

    @Test
    void aStoreWhoseTailIsCutOffIsRefusedAlthoughMVStoreCouldOpenAnOlderVersion() throws IOException {
        writeStore(Options.defaults().withBackupInterval(Duration.ZERO));
        long size = Files.size(file());
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.setLength(size - 100);
        }

        StoreDamagedException refused = assertRefused();
        assertTrue(refused.damage().contains("cannot be read"), refused.damage());
        // refusing never closes the file cleanly, which would hide the damage from the next start
        assertRefused();
    }

    @Test
    void flippedBytesAtTheTailAreRefused() throws IOException {
        writeStore(Options.defaults().withBackupInterval(Duration.ZERO));
        long size = Files.size(file());
        flip(size - 200, 100);

        assertRefused();
    }

    @Test
    void flippedBytesInTheMiddleAreRefused() throws IOException {
        writeStore(Options.defaults().withBackupInterval(Duration.ZERO));
        long size = Files.size(file());
        for (long at = size / 3; at < 2 * size / 3; at += 1024) {
            flip(at, 16);
        }

        assertRefused();
    }

    @Test
    void flippedBytesAtTheStartOfEveryChunkAreRefused() throws IOException {
        writeStore(Options.defaults().withBackupInterval(Duration.ZERO));
        byte[] data = Files.readAllBytes(file());
        int flipped = 0;
        for (int block = 0; block + 1024 <= data.length; block += 4096) {
            if (new String(data, block, 6, UTF_8).equals("chunk:")) {
                for (int i = block; i < block + 1024; i++) {
                    if (data[i] == '\n') {
                        for (int j = i + 1; j <= i + 8; j++) {
                            data[j] ^= (byte) 0x5a;
                        }
                        flipped++;
                        break;
                    }
                }
            }
        }
        assertTrue(flipped > 0);
        Files.write(file(), data);

        assertRefused();
    }

    @Test
    void aRecordWhoseRevisionFieldChangedIsRefusedByVerification() {
        writeStore(Options.defaults().withBackupInterval(Duration.ZERO));
        // a bit flipped in an entry's modification revision, written as MVStore would keep it
        MVStore raw = new MVStore.Builder().fileName(file().toString()).open();
        MVMap<String, byte[]> keys = MVStoreKv.keysMap(raw);
        byte[] entry = keys.get("/registry/nodes/gw-0007");
        entry[Long.BYTES + 6] ^= 0x01;
        keys.put("/registry/nodes/gw-0007", entry);
        raw.commit();
        raw.close();

        StoreDamagedException refused = assertRefused();
        assertTrue(refused.damage().startsWith("entry '/registry/nodes/gw-0007' has"), refused.damage());
    }

    @Test
    void aFileThatIsNotAStoreAtAllIsRefusedAsDamaged() throws IOException {
        Files.createDirectories(file().getParent());
        Files.write(file(), new byte[8192]);

        assertRefused();
    }

    @Test
    void anIntactStoreOpensAfterACleanCloseWithEveryKey() {
        long revision = writeStore(Options.defaults());
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            assertEquals(revision, store.revision());
            assertEquals(KEYS, store.list("/registry/nodes/").size());
        }
    }

    @Test
    void aStoreOlderThanItsVerifiedBackupIsRefused() throws IOException {
        writeStore(Options.defaults());
        Path older = dir.resolve("older.mv");
        Files.copy(file(), older);
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            store.put("/registry/nodes/late", "{}".getBytes(UTF_8));
        }
        // the file goes back in time (a restored disk image, say) while the backup is newer
        Files.copy(older, file(), StandardCopyOption.REPLACE_EXISTING);

        StoreDamagedException refused = assertRefused();
        assertTrue(refused.damage().contains("older than its verified backup at revision " + (KEYS + 1)),
                refused.damage());
    }

    @Test
    void movingTheFileAwayStartsANewStoreDespiteTheOldBackup() throws IOException {
        writeStore(Options.defaults());
        Files.move(file(), dir.resolve("moved-away.mv"));

        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            assertEquals(0, store.revision());
            store.put("/registry/nodes/new", "{}".getBytes(UTF_8));
        }
        try (MVStoreKv store = MVStoreKv.open(file(), Options.defaults())) {
            assertEquals(1, store.revision(), "the new store's own backup replaced the old one");
        }
    }

    @Test
    void directoryAndFilesAreTheOwnersAloneWhateverTheUmask() throws IOException {
        Files.createDirectories(file().getParent(), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        writeStore(Options.defaults());

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file().getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
        Path backup = StoreBackup.backupOf(file().toAbsolutePath());
        assertTrue(Files.exists(backup));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
        assertFalse(Files.exists(backup.resolveSibling(backup.getFileName() + ".tmp")));
    }

    private void flip(long offset, int length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            byte[] bytes = new byte[length];
            raf.seek(offset);
            raf.readFully(bytes);
            for (int i = 0; i < length; i++) {
                bytes[i] ^= (byte) 0x5a;
            }
            raf.seek(offset);
            raf.write(bytes);
        }
    }
}
