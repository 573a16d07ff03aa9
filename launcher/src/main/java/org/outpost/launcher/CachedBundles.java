package org.outpost.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Karaf keeps every installed bundle's jar in its cache ({@code data/cache/bundleN/versionX.Y/bundle.jar})
 * and starts from there; a bundle whose version did not change is never read again from the
 * distribution. So a node restarted after Outpost was rebuilt or upgraded would run the old code
 * of its Outpost bundles. Before the node starts, each cached Outpost bundle that differs from the
 * distribution's copy ({@code system/org/outpost/...}) is replaced by it; the framework resolves
 * the new jars at start as it always does. Other bundles are left alone.
 */
final class CachedBundles {
    private static final String PREFIX = "mvn:org.outpost/";

    private CachedBundles() {
    }

    /** Replaces stale cached Outpost jars under {@code data/cache}; returns how many. */
    static int refresh(Path karafHome, Path data) throws IOException {
        Path cache = data.resolve("cache");
        if (!Files.isDirectory(cache)) {
            return 0;
        }
        int replaced = 0;
        try (DirectoryStream<Path> bundles = Files.newDirectoryStream(cache, "bundle*")) {
            for (Path bundle : bundles) {
                Optional<Path> shipped = location(bundle).flatMap(location -> shippedJar(karafHome, location));
                Optional<Path> cached = newestRevision(bundle);
                if (shipped.isPresent() && cached.isPresent() && Files.mismatch(shipped.get(), cached.get()) != -1) {
                    Path next = cached.get().resolveSibling("bundle.jar.new");
                    Files.copy(shipped.get(), next, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(next, cached.get(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    replaced++;
                }
            }
        }
        return replaced;
    }

    /** The bundle's location: the second line of its {@code bundle.info}. */
    private static Optional<String> location(Path bundle) throws IOException {
        Path info = bundle.resolve("bundle.info");
        if (!Files.isRegularFile(info)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(info, StandardCharsets.UTF_8);
        return lines.size() > 1 ? Optional.of(lines.get(1).trim()) : Optional.empty();
    }

    /** {@code mvn:org.outpost/ARTIFACT/VERSION[/jar]} → {@code system/org/outpost/ARTIFACT/VERSION/ARTIFACT-VERSION.jar}. */
    static Optional<Path> shippedJar(Path karafHome, String location) {
        if (!location.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = location.substring(PREFIX.length()).split("/");
        if (parts.length < 2 || (parts.length > 2 && !parts[2].equals("jar")) || parts.length > 3
                || !parts[0].matches("[\\w.-]+") || !parts[1].matches("[\\w.-]+")) {
            return Optional.empty();
        }
        Path jar = karafHome.resolve("system/org/outpost").resolve(parts[0]).resolve(parts[1])
                .resolve(parts[0] + "-" + parts[1] + ".jar");
        return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    }

    /** The revision the framework starts: the {@code versionX.Y} directory with the highest numbers. */
    private static Optional<Path> newestRevision(Path bundle) throws IOException {
        Path newest = null;
        long[] best = null;
        try (DirectoryStream<Path> revisions = Files.newDirectoryStream(bundle, "version*")) {
            for (Path revision : revisions) {
                String[] numbers = revision.getFileName().toString().substring("version".length()).split("\\.");
                if (numbers.length != 2 || !numbers[0].matches("\\d+") || !numbers[1].matches("\\d+")
                        || !Files.isRegularFile(revision.resolve("bundle.jar"))) {
                    continue;
                }
                long[] key = {Long.parseLong(numbers[0]), Long.parseLong(numbers[1])};
                if (best == null || key[0] > best[0] || (key[0] == best[0] && key[1] > best[1])) {
                    best = key;
                    newest = revision.resolve("bundle.jar");
                }
            }
        }
        return Optional.ofNullable(newest);
    }
}
