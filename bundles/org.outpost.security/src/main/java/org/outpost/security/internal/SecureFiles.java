package org.outpost.security.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Whole-file writes that readers never see half done: the content goes to a temporary file in the
 * same directory, created with its final permissions, which then replaces the target in one move.
 * On file systems without POSIX permissions (Windows) files get the platform defaults.
 */
public final class SecureFiles {

    /** Owner read/write only. */
    public static final Set<PosixFilePermission> OWNER_ONLY = Set.copyOf(PosixFilePermissions.fromString("rw-------"));

    /** Owner read/write, everyone read: for certificates, which are public. */
    public static final Set<PosixFilePermission> PUBLIC_READ = Set.copyOf(PosixFilePermissions.fromString("rw-r--r--"));

    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
            Set.copyOf(PosixFilePermissions.fromString("rwx------"));

    private SecureFiles() {
    }

    /** Writes {@code content} to {@code file} atomically with mode 0600 (on POSIX). */
    public static void writePrivate(Path file, byte[] content) throws IOException {
        write(file, content, OWNER_ONLY);
    }

    /** Writes {@code content} to {@code file} atomically with mode 0644 (on POSIX). */
    public static void writePublic(Path file, byte[] content) throws IOException {
        write(file, content, PUBLIC_READ);
    }

    /** Creates {@code dir} and missing parents; a directory this call creates gets mode 0700. */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (isPosix(parent)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
        }
    }

    private static void write(Path file, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = isPosix(dir);
        // createTempFile makes the file with these permissions, so it is never readable by others.
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", attributes);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (posix && !permissions.equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(temp, permissions);
            }
            move(temp, file);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean isPosix(Path dir) {
        return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
