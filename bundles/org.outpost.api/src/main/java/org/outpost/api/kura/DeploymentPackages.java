package org.outpost.api.kura;

import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.outpost.api.OutpostException;

/**
 * The gateway's deployment packages ({@code .dp}), installed, updated and removed through the
 * framework's Deployment Admin. A package that cannot be installed leaves the framework as it was.
 */
public interface DeploymentPackages {

    /** Installed packages by name; the framework's own system package is not listed. */
    List<PackageInfo> list();

    Optional<PackageInfo> get(String name);

    /**
     * Installs a package, or updates (a fix-pack too) one of the same name.
     *
     * @param source where the bytes came from, for messages and logs
     * @throws OutpostException {@code INVALID_ARGUMENT} for a package that is not valid (the
     *                          message says why: a missing header, a corrupt JAR, a bundle whose
     *                          imports nothing provides), {@code CONFLICT} when another package
     *                          owns one of its bundles
     */
    PackageInfo install(InputStream in, String source);

    /** Reads the package from a {@code file:}, {@code http:} or {@code https:} URL, then installs it. */
    PackageInfo install(URI url);

    /** @throws OutpostException {@code NOT_FOUND} when no package has that name */
    PackageInfo uninstall(String name);
}
