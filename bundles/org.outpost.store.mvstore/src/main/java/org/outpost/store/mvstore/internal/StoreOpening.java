package org.outpost.store.mvstore.internal;

import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.Map;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.outpost.api.StoreException;

/**
 * Opens the store file and tells damage apart from other reasons a file cannot be opened (in use,
 * no permission). MVStore reads the newest chunk it finds intact: when the end of the file is lost
 * it quietly opens an older version. The file header names the newest version written, so
 * a store that opens older than that (after a clean close, or by more than the one commit a crash
 * can interrupt) has lost acknowledged writes and counts as damaged.
 */
final class StoreOpening {

    /** The opened store, and the version a crash cut off (-1 if none). */
    record Opened(MVStore store, long interruptedVersion) {
    }

    private StoreOpening() {
    }

    static Opened open(Path file) {
        MVStore store;
        try {
            store = new MVStore.Builder()
                    .fileName(file.toString())
                    .autoCommitDisabled()
                    // Without this MVStore still commits by itself once enough changes pile up,
                    // which could write half a batch.
                    .autoCommitBufferSize(0)
                    .open();
        } catch (MVStoreException e) {
            if (!isDamage(e)) {
                throw new StoreException("could not open cluster store " + file + ": " + shortMessage(e), e);
            }
            throw new StoreDamagedException(file, shortMessage(e), e);
        } catch (RuntimeException e) {
            throw new StoreDamagedException(file, "unreadable: " + e, e);
        }
        try {
            Map<String, Object> header = store.getFileStore().getStoreHeader();
            long written = StoreVerifier.headerVersion(header);
            long opened = store.getFileStore().lastChunkVersion();
            boolean clean = StoreVerifier.headerSaysClean(header);
            // A crash can cut off the commit being written (never acknowledged): one version at most.
            long allowedLoss = clean ? 0 : 1;
            if (written >= 0 && opened < written - allowedLoss) {
                throw new StoreDamagedException(file, "its newest " + (written - opened)
                        + " commit(s) cannot be read: the file header names version " + written
                        + ", the newest intact one is " + opened, null);
            }
            return new Opened(store, written > opened ? written : -1);
        } catch (RuntimeException e) {
            store.closeImmediately();
            throw e instanceof StoreException storeException ? storeException
                    : new StoreDamagedException(file, "unreadable: " + e, e);
        }
    }

    /** Reads and checks every record; any failure means damage (never a clean close of the file). */
    static StoreVerifier.Verified verify(Path file, MVStore store, long format) {
        try {
            return StoreVerifier.verify(store, format);
        } catch (StoreVerifier.Failed e) {
            throw new StoreDamagedException(file, e.getMessage(), null);
        } catch (MVStoreException e) {
            throw new StoreDamagedException(file, shortMessage(e), e);
        } catch (RuntimeException e) {
            throw new StoreDamagedException(file, "unreadable: " + e, e);
        }
    }

    /** Damage unless another process holds the file, permission is missing, or writing failed. */
    static boolean isDamage(MVStoreException e) {
        int code = e.getErrorCode();
        if (code == DataUtils.ERROR_FILE_LOCKED || code == DataUtils.ERROR_WRITING_FAILED
                || code == DataUtils.ERROR_CLOSED) {
            return false;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof AccessDeniedException) {
                return false;
            }
        }
        return true;
    }

    /** MVStore's message without its trailing "[version/code]". */
    static String shortMessage(MVStoreException e) {
        String message = String.valueOf(e.getMessage());
        int tag = message.lastIndexOf(" [");
        return tag > 0 && message.endsWith("]") ? message.substring(0, tag) : message;
    }
}
