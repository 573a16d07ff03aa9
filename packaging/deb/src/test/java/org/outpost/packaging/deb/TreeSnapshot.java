package org.outpost.packaging.deb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What an installed tree looks like: every path with its type, mode, size and modification time.
 * Two snapshots differ when anything under the root was created, deleted or written.
 */
record TreeSnapshot(Path root, Map<String, String> entries) {

    static TreeSnapshot of(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.forEach(path -> entries.put(root.relativize(path).toString(), describe(path)));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new TreeSnapshot(root, entries);
    }

    private static String describe(Path path) {
        try {
            PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String type = attributes.isDirectory() ? "d" : attributes.isSymbolicLink() ? "l" : "f";
            return type + " " + PosixFilePermissions.toString(attributes.permissions()) + " " + attributes.size()
                    + " " + attributes.lastModifiedTime().toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The paths that differ, as readable lines; empty when the trees are the same. */
    List<String> differencesTo(TreeSnapshot later) {
        List<String> differences = new ArrayList<>();
        TreeSet<String> paths = new TreeSet<>(entries.keySet());
        paths.addAll(later.entries.keySet());
        for (String path : paths) {
            String before = entries.get(path);
            String after = later.entries.get(path);
            if (before == null) {
                differences.add("created  " + root.resolve(path) + " (" + after + ")");
            } else if (after == null) {
                differences.add("deleted  " + root.resolve(path));
            } else if (!before.equals(after)) {
                differences.add("modified " + root.resolve(path) + " (" + before + " -> " + after + ")");
            }
        }
        return differences;
    }
}
