package org.outpost.store.mvstore.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verified backup next to the store, {@code <file>.bak}: a compact copy of one durable
 * version, written from a pinned snapshot (so writes go on meanwhile) to {@code <file>.bak.tmp},
 * fsynced, verified by opening it read-only and checking every record, and only then renamed over
 * the previous backup. A backup that fails verification is deleted and the previous one stays.
 */
final class StoreBackup {

    private static final Logger LOG = LoggerFactory.getLogger(StoreBackup.class);
    /** Entries copied between two commits of the backup file, so that copying needs little memory. */
    private static final int ENTRIES_PER_COMMIT = 4096;

    /** A verified backup: its revision and when it was written. */
    record Info(Path file, long revision, Instant written) {
    }

    private StoreBackup() {
    }

    static Path backupOf(Path storeFile) {
        return storeFile.resolveSibling(storeFile.getFileName() + ".bak");
    }

    private static Path tempOf(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".tmp");
    }

    /**
     * Writes, verifies and installs a backup of {@code snapshot}, which the caller holds acquired.
     *
     * @throws IOException when the backup cannot be written or fails verification; the previous
     *                     backup is then left as it was
     */
    static Info write(Snapshot snapshot, long format, Path backup) throws IOException {
        Path temp = tempOf(backup);
        Files.deleteIfExists(temp);
        try {
            copy(snapshot, format, temp);
            force(temp);
            FilePermissions.ownerOnly(temp);
            Info verified = inspect(temp, format)
                    .orElseThrow(() -> new IOException("the backup just written is missing"));
            if (verified.revision() != snapshot.revision) {
                throw new IOException("the backup holds revision " + verified.revision() + " instead of "
                        + snapshot.revision);
            }
            Files.move(temp, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            FilePermissions.syncDirectory(backup.getParent());
            return new Info(backup, verified.revision(), Files.getLastModifiedTime(backup).toInstant());
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            if (e instanceof StoreVerifier.Failed) {
                throw new IOException("the backup failed verification: " + e.getMessage(), e);
            }
            throw e instanceof IOException io ? io : new IOException(e.toString(), e);
        }
    }

    /**
     * Opens {@code file} read-only and verifies every record.
     *
     * @return the backup's revision and time, or empty when there is no such file
     * @throws IOException when the file exists but is not a sound store
     */
    static Optional<Info> inspect(Path file, long format) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        } catch (RuntimeException e) {
            throw new IOException(file.getFileName() + " cannot be opened: " + e.getMessage(), e);
        }
        try {
            StoreVerifier.Verified verified = StoreVerifier.verify(store, format);
            return Optional.of(new Info(file, verified.revision(), Files.getLastModifiedTime(file).toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new IOException(file.getFileName() + " fails verification: " + e.getMessage(), e);
        } finally {
            store.closeImmediately();
        }
    }

    /** Like {@link #inspect}, but a damaged backup counts as none (and is named in the log). */
    static Optional<Info> usable(Path backup, long format) {
        try {
            return inspect(backup, format);
        } catch (IOException e) {
            LOG.warn("The cluster store's backup {} is not usable: {}", backup, e.getMessage());
            return Optional.empty();
        }
    }

    private static void copy(Snapshot snapshot, long format, Path temp) {
        MVStore out = new MVStore.Builder().fileName(temp.toString()).autoCommitDisabled().open();
        boolean done = false;
        try {
            MVMap<String, byte[]> keys = MVStoreKv.keysMap(out);
            MVMap<Long, byte[]> log = MVStoreKv.logMap(out);
            MVMap<String, Long> meta = MVStoreKv.metaMap(out);
            int copied = 0;
            Cursor<String, byte[]> keyCursor = snapshot.keysCursor();
            while (keyCursor.hasNext()) {
                keys.put(keyCursor.next(), keyCursor.getValue());
                if (++copied % ENTRIES_PER_COMMIT == 0) {
                    out.commit();
                }
            }
            Cursor<Long, byte[]> logCursor = snapshot.logCursor();
            while (logCursor.hasNext()) {
                log.put(logCursor.next(), logCursor.getValue());
                if (++copied % ENTRIES_PER_COMMIT == 0) {
                    out.commit();
                }
            }
            meta.put("format", format);
            meta.put("revision", snapshot.revision);
            meta.put("compactedRevision", snapshot.compactedRevision);
            out.commit();
            done = true;
        } finally {
            if (done) {
                out.close();
            } else {
                out.closeImmediately();
            }
        }
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Could not delete {}", file, e);
        }
    }
}
