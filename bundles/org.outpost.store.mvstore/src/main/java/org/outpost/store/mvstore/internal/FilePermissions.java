package org.outpost.store.mvstore.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's directory and files are the node's alone (0700 and 0600), whatever the umask: they
 * hold node secrets' hashes and the whole cluster state. Set explicitly after creating, on file
 * systems that know POSIX permissions.
 */
final class FilePermissions {

    private static final Logger LOG = LoggerFactory.getLogger(FilePermissions.class);
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private FilePermissions() {
    }

    static void ownerOnly(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, Files.isDirectory(path) ? OWNER_DIRECTORY : OWNER_FILE);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own access rules apply
        }
    }

    /** fsync of the directory makes a created or renamed file's name survive a power loss. */
    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open directories; the file's own data is synced regardless.
            LOG.debug("Could not sync directory {}", directory, e);
        }
    }
}
