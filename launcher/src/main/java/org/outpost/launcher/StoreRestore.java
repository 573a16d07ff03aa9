package org.outpost.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * {@code outpost server --restore-backup}: returns a damaged cluster store to its verified backup
 * before the node starts. The damaged file is kept, renamed {@code cluster.mv.damaged-<time>}; the
 * backup is copied (not moved), so it stays available until the store writes a newer one.
 */
final class StoreRestore {

    static final String OPTION = "restore-backup";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private StoreRestore() {
    }

    /** The store file of the instance: as configured for the store, else server/db/cluster.mv. */
    static Path storeFile(Instance instance) throws IOException {
        String configured = CfgFile.get(instance.etc().resolve("org.outpost.store.mvstore.cfg"), "file");
        Path file = configured == null || configured.isBlank() ? Path.of("server", "db", "cluster.mv")
                : Path.of(configured.trim());
        return instance.dir().resolve(file).normalize();
    }

    /**
     * Moves the store aside and puts a copy of its backup in its place.
     *
     * @throws UsageException when there is no backup to return to
     */
    static void restore(Instance instance, PrintStream out, Clock clock) throws IOException, UsageException {
        Path store = storeFile(instance);
        Path backup = store.resolveSibling(store.getFileName() + ".bak");
        if (!Files.isRegularFile(backup)) {
            throw new UsageException("--restore-backup: there is no verified backup " + backup
                    + "; move " + store.getFileName() + " away to start a new cluster instead");
        }
        String written = SHOWN.format(LocalDateTime.ofInstant(Files.getLastModifiedTime(backup).toInstant(),
                ZoneId.systemDefault()));
        Path temp = store.resolveSibling(store.getFileName() + ".restoring");
        Files.copy(backup, temp, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        ownerOnly(temp);
        if (Files.exists(store)) {
            Path aside = asideName(store, clock);
            Files.move(store, aside, StandardCopyOption.ATOMIC_MOVE);
            out.println("outpost: moved the cluster store " + store + " aside to " + aside.getFileName());
        }
        Files.move(temp, store, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(store.getParent());
        out.println("outpost: restored the verified backup of " + written + " (" + backup.getFileName() + ") as "
                + store.getFileName() + "; changes made after it are lost");
    }

    private static Path asideName(Path store, Clock clock) {
        String base = store.getFileName() + ".damaged-" + STAMP.format(LocalDateTime.now(clock));
        Path aside = store.resolveSibling(base);
        for (int n = 2; Files.exists(aside); n++) {
            aside = store.resolveSibling(base + "-" + n);
        }
        return aside;
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some platforms cannot open directories; the renamed file's data is synced regardless
        }
    }
}
