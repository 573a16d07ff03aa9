package org.outpost.kura.internal.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/**
 * Where remote requests may install deployment packages from the gateway's own file system: a
 * {@code file:} URL or a path is accepted only inside one directory ({@code localPackageDirectory},
 * by default {@code <data-dir>/packages}), compared by real path so that neither {@code ..} nor a
 * symbolic link leads out of it. Without this, anyone with the REST credential or the cloud
 * connection could make the gateway read any file it can. URLs of other schemes pass unchanged.
 */
public final class LocalPackageDirectory {
    public static final String PID = "org.outpost.kura.deploy";

    private final Path directory;

    public LocalPackageDirectory(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The directory a configured value names: blank means {@code <data-dir>/packages}. */
    public static LocalPackageDirectory configured(String value, Path dataDir) {
        String trimmed = value == null ? "" : value.trim();
        return new LocalPackageDirectory(trimmed.isEmpty() ? dataDir.resolve("packages") : dataDir.resolve(trimmed));
    }

    public Path directory() {
        return directory;
    }

    /** Makes the directory if it is missing, so an operator finds where packages go. */
    public void create() throws IOException {
        Files.createDirectories(directory);
    }

    /**
     * The URL to install from for what a request named: a URL, an absolute path, or a path relative
     * to the package directory.
     *
     * @throws OutpostException {@link ErrorCode#FORBIDDEN} for a local file outside the directory,
     *         {@link ErrorCode#INVALID_ARGUMENT} for something that is neither URL nor path
     */
    public URI resolve(String location) {
        String trimmed = location.trim();
        if (trimmed.startsWith("/")) {
            return admit(path(trimmed), trimmed);
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            uri = null; // a relative path with characters a URI may not hold
        }
        if (uri == null || uri.getScheme() == null) {
            return admit(directory.resolve(path(trimmed)), trimmed);
        }
        if (!uri.getScheme().toLowerCase(Locale.ROOT).equals("file")) {
            return uri;
        }
        try {
            return admit(Path.of(uri), trimmed);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                    "'" + trimmed + "' is not a local file URL (file:///absolute/path.dp): " + e.getMessage());
        }
    }

    private URI admit(Path requested, String location) {
        Path normalized = requested.toAbsolutePath().normalize();
        Path base;
        try {
            base = directory.toRealPath();
        } catch (IOException e) {
            throw forbidden(location, " (the directory does not exist)");
        }
        if (Files.exists(normalized)) {
            Path real;
            try {
                real = normalized.toRealPath();
            } catch (IOException e) {
                throw forbidden(location, "");
            }
            if (!real.startsWith(base)) {
                throw forbidden(location, "");
            }
            return real.toUri();
        }
        // a file that is not there (yet): its name must lie inside, and so must the part of its path that exists
        if (!normalized.startsWith(directory) && !normalized.startsWith(base)) {
            throw forbidden(location, "");
        }
        Path existing = normalized.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            if (existing == null || !existing.toRealPath().startsWith(base)) {
                throw forbidden(location, "");
            }
        } catch (IOException e) {
            throw forbidden(location, "");
        }
        return normalized.toUri();
    }

    private OutpostException forbidden(String location, String why) {
        return new OutpostException(ErrorCode.FORBIDDEN, "'" + location + "' is outside " + directory + why
                + ": packages are installed from local files only in that directory (localPackageDirectory in " + PID
                + "); copy the package there or give an http(s) URL");
    }

    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "not a URL or a path: " + text);
        }
    }
}
