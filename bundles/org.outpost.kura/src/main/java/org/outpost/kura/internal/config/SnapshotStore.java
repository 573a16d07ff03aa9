package org.outpost.kura.internal.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/**
 * Snapshot files {@code snapshot_<id>.xml} in one directory, as Kura names them: the id is the
 * creation time in epoch milliseconds, one more than the newest when the clock has not moved on (or
 * went back), so ids only grow. Files are written whole (temporary file, fsync, atomic rename, fsync
 * of the directory); the oldest are removed beyond the number to keep.
 */
final class SnapshotStore {
    private static final Pattern NAME = Pattern.compile("snapshot_(\\d{1,19})\\.xml");
    private static final String TEMPORARY_SUFFIX = ".tmp";

    private final Path dir;
    private long newestId = -1;

    SnapshotStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "snapshot_*.xml" + TEMPORARY_SUFFIX)) {
            for (Path leftover : leftovers) Files.deleteIfExists(leftover); // from a write cut short
        }
    }

    Path dir() {
        return dir;
    }

    /** Ids of the snapshots on disk, oldest first. */
    synchronized List<Long> ids() {
        List<Long> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "snapshot_*.xml")) {
            for (Path file : files) {
                Matcher name = NAME.matcher(file.getFileName().toString());
                if (name.matches()) {
                    try {
                        ids.add(Long.parseLong(name.group(1)));
                    } catch (NumberFormatException e) {
                        // beyond a long: not one of ours
                    }
                }
            }
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "cannot list snapshots in " + dir + ": " + e.getMessage(), e);
        }
        ids.sort(null);
        return ids;
    }

    /** @throws OutpostException {@code NOT_FOUND} for an id without a file */
    synchronized String read(long id) {
        try {
            return Files.readString(file(id), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new OutpostException(ErrorCode.NOT_FOUND, "no snapshot " + id + " (GET /snapshots lists them)");
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "cannot read snapshot " + id + ": " + e.getMessage(), e);
        }
    }

    /** The newest snapshot's content, or null when there is none. */
    synchronized String newest() {
        List<Long> ids = ids();
        return ids.isEmpty() ? null : read(ids.get(ids.size() - 1));
    }

    /** Writes a new snapshot, then removes the oldest beyond {@code keep}; returns the new id. */
    synchronized long write(String xml, int keep) {
        List<Long> ids = ids();
        long newestOnDisk = ids.isEmpty() ? -1 : ids.get(ids.size() - 1);
        long id = Math.max(System.currentTimeMillis(), Math.max(newestId, newestOnDisk) + 1);
        Path target = file(id);
        Path temporary = dir.resolve(target.getFileName() + TEMPORARY_SUFFIX);
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(xml.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) channel.write(bytes);
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // removed at the next start
            }
            throw new OutpostException(ErrorCode.UNAVAILABLE, "cannot write snapshot " + target + ": " + e.getMessage(), e);
        }
        newestId = id;
        ids.add(id);
        for (int i = 0; i < ids.size() - Math.max(1, keep); i++) {
            try {
                Files.deleteIfExists(file(ids.get(i)));
            } catch (IOException e) {
                // kept one more than asked; the next write tries again
            }
        }
        return id;
    }

    private Path file(long id) {
        return dir.resolve("snapshot_" + id + ".xml");
    }

    /** Makes the rename durable; not every file system lets a directory be opened for this. */
    private void syncDirectory() {
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // the rename itself is atomic; only its durability across a power cut is weaker here
        }
    }
}
