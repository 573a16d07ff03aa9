package org.outpost.kura.internal.deploy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.deploymentadmin.BundleInfo;
import org.osgi.service.deploymentadmin.DeploymentAdmin;
import org.osgi.service.deploymentadmin.DeploymentException;
import org.osgi.service.deploymentadmin.DeploymentPackage;
import org.outpost.api.ErrorCode;
import org.outpost.api.LocalNode;
import org.outpost.api.OutpostException;
import org.outpost.api.kura.DeploymentPackages;
import org.outpost.api.kura.PackageBundle;
import org.outpost.api.kura.PackageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deployment packages through the framework's Deployment Admin. Each package is first copied to a
 * file and inspected, so that a broken one is refused with a precise reason before Deployment Admin
 * starts a session; Deployment Admin itself rolls a failed session back. One install or uninstall
 * at a time.
 */
@Component(service = DeploymentPackages.class)
public class DeploymentPackageService implements DeploymentPackages {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentPackageService.class);
    /** Larger than any sensible package; a bound so that a runaway download cannot fill the disk. */
    static final long MAX_PACKAGE_BYTES = 512L * 1024 * 1024;
    static final Duration DOWNLOAD_IDLE = Duration.ofSeconds(60);
    static final Duration DOWNLOAD_TOTAL = Duration.ofMinutes(30);
    private static final String SYSTEM_PACKAGE = "System";

    @Reference
    private DeploymentAdmin deploymentAdmin;

    @Reference
    private LocalNode node;

    private BundleContext context;
    private final ReentrantLock sessions = new ReentrantLock();
    private HttpClient http; // guarded by this; made at the first download (its selector is a thread)
    private ScheduledExecutorService timers;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outpost-kura-download-watch");
            thread.setDaemon(true);
            return thread;
        });
        removeLeftovers(node.dataDir().resolve("kura").resolve("incoming"));
    }

    @Deactivate
    void deactivate() {
        timers.shutdownNow();
    }

    /** Spooled packages of an install that a crash interrupted. */
    private static void removeLeftovers(Path incoming) {
        if (!Files.isDirectory(incoming)) {
            return;
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(incoming, "package-*.dp")) {
            for (Path leftover : leftovers) {
                LOG.info("removing {}, left by an install that did not finish", leftover.getFileName());
                deleteQuietly(leftover);
            }
        } catch (IOException e) {
            LOG.warn("cannot clean {}: {}", incoming, e.getMessage());
        }
    }

    @Override
    public List<PackageInfo> list() {
        List<PackageInfo> packages = new ArrayList<>();
        for (DeploymentPackage dp : deploymentAdmin.listDeploymentPackages()) {
            if (!SYSTEM_PACKAGE.equals(dp.getName())) {
                packages.add(info(dp));
            }
        }
        packages.sort((a, b) -> a.name().compareTo(b.name()));
        return packages;
    }

    @Override
    public Optional<PackageInfo> get(String name) {
        DeploymentPackage dp = deploymentAdmin.getDeploymentPackage(name);
        return dp == null || dp.isStale() || SYSTEM_PACKAGE.equals(name) ? Optional.empty() : Optional.of(info(dp));
    }

    @Override
    public PackageInfo install(InputStream in, String source) {
        Path file = spool(in, source);
        try {
            return installFile(file, source);
        } finally {
            deleteQuietly(file);
        }
    }

    @Override
    public PackageInfo install(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        switch (scheme) {
            case "file" -> {
                Path path;
                try {
                    path = Path.of(url);
                } catch (IllegalArgumentException | FileSystemNotFoundException e) {
                    throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                            "'" + url + "' is not a local file URL (file:///absolute/path.dp): " + e.getMessage());
                }
                try (InputStream in = Files.newInputStream(path)) {
                    return install(in, url.toString());
                } catch (NoSuchFileException e) {
                    throw new OutpostException(ErrorCode.NOT_FOUND, "no such file: " + path);
                } catch (IOException e) {
                    throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "cannot read " + url + ": " + e.getMessage());
                }
            }
            case "http", "https" -> {
                Path file = download(url);
                try {
                    return installFile(file, url.toString());
                } finally {
                    deleteQuietly(file);
                }
            }
            default -> throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                    "cannot fetch a package from '" + url + "': use a file:, http: or https: URL, or a path");
        }
    }

    @Override
    public PackageInfo uninstall(String name) {
        sessions.lock();
        try {
            DeploymentPackage dp = deploymentAdmin.getDeploymentPackage(name);
            if (dp == null || dp.isStale() || SYSTEM_PACKAGE.equals(name)) {
                throw new OutpostException(ErrorCode.NOT_FOUND, "no deployment package named '" + name + "' is installed");
            }
            PackageInfo removed = info(dp);
            try {
                dp.uninstall();
            } catch (DeploymentException e) {
                LOG.warn("uninstalling {} failed ({}); removing its bundles regardless", name, describe(e));
                try {
                    dp.uninstallForced();
                } catch (DeploymentException forced) {
                    throw new OutpostException(ErrorCode.INTERNAL, "cannot uninstall " + name + ": " + describe(forced));
                }
            }
            LOG.info("uninstalled deployment package {} {}", removed.name(), removed.version());
            return removed;
        } finally {
            sessions.unlock();
        }
    }

    private PackageInfo installFile(Path file, String source) {
        PackageInspection inspection = PackageInspection.read(file);
        sessions.lock();
        try {
            DeploymentPackage existing = deploymentAdmin.getDeploymentPackage(inspection.name());
            Set<String> replaced = new HashSet<>();
            if (existing != null && !existing.isStale()) {
                for (BundleInfo bundle : existing.getBundleInfos()) {
                    replaced.add(bundle.getSymbolicName());
                }
                for (PackageInspection.PackagedBundle bundle : inspection.bundles()) {
                    if (bundle.missing()) {
                        replaced.remove(bundle.symbolicName()); // a fix-pack keeps it as it is
                    }
                }
            }
            List<String> problems = new ImportCheck(context.getBundles(), replaced).problems(inspection);
            if (!problems.isEmpty()) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "deployment package " + inspection.name() + " "
                        + inspection.version() + " cannot be installed: " + String.join("; ", problems));
            }
            DeploymentPackage installed;
            try (InputStream in = Files.newInputStream(file)) {
                installed = deploymentAdmin.installDeploymentPackage(in);
            } catch (DeploymentException e) {
                throw new OutpostException(e.getCode() == DeploymentException.CODE_BUNDLE_SHARING_VIOLATION
                        ? ErrorCode.CONFLICT : ErrorCode.INVALID_ARGUMENT,
                        "deployment package " + inspection.name() + " " + inspection.version() + " was not installed: " + describe(e));
            } catch (IOException e) {
                throw new OutpostException(ErrorCode.INTERNAL, "cannot read the spooled package: " + e.getMessage());
            }
            PackageInfo info = info(installed);
            List<String> notStarted = info.bundles().stream()
                    .filter(b -> !b.state().equals("ACTIVE") && !(b.state().equals("RESOLVED") && isFragment(b.id())))
                    .map(b -> b.symbolicName() + " " + b.version() + " is " + b.state())
                    .toList();
            if (!notStarted.isEmpty()) {
                LOG.warn("deployment package {} {} installed, but not all its bundles run: {}", info.name(), info.version(), notStarted);
            }
            LOG.info("installed deployment package {} {} from {} ({} bundles)", info.name(), info.version(), source, info.bundles().size());
            return info;
        } finally {
            sessions.unlock();
        }
    }

    private boolean isFragment(long id) {
        Bundle bundle = context.getBundle(id);
        return bundle != null && ImportCheck.isFragment(bundle);
    }

    private Path spool(InputStream in, String source) {
        try {
            Path dir = node.dataDir().resolve("kura").resolve("incoming");
            Files.createDirectories(dir);
            Path file = Files.createTempFile(dir, "package-", ".dp");
            try (OutputStream out = Files.newOutputStream(file)) {
                byte[] buffer = new byte[64 * 1024];
                long total = 0;
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    total += n;
                    if (total > MAX_PACKAGE_BYTES) {
                        deleteQuietly(file);
                        throw new OutpostException(ErrorCode.INVALID_ARGUMENT,
                                source + " is larger than " + (MAX_PACKAGE_BYTES >> 20) + " MiB");
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException | RuntimeException e) {
                deleteQuietly(file);
                throw e;
            }
            return file;
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "cannot read " + source + ": " + e.getMessage());
        }
    }

    /**
     * Downloads into a spooled file. The JDK client's request timeout ends with the response
     * headers, so a watchdog closes the body when no byte came for {@link #DOWNLOAD_IDLE} or the
     * whole download took longer than {@link #DOWNLOAD_TOTAL}: a server that trickles cannot hold
     * a worker for ever.
     */
    private Path download(URI url) {
        HttpResponse<InputStream> response;
        try {
            response = http().send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(1)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "cannot download " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutpostException(ErrorCode.UNAVAILABLE, "interrupted while downloading " + url);
        } catch (IllegalArgumentException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "cannot download " + url + ": " + e.getMessage());
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new OutpostException(response.statusCode() == 404 ? ErrorCode.NOT_FOUND : ErrorCode.INVALID_ARGUMENT,
                        "GET " + url + " answered HTTP " + response.statusCode());
            }
            ProgressWatch watch = new ProgressWatch(body, DOWNLOAD_IDLE, DOWNLOAD_TOTAL);
            ScheduledFuture<?> watchdog = timers.scheduleWithFixedDelay(watch::check, 1, 1, TimeUnit.SECONDS);
            try {
                return spool(watch, url.toString());
            } catch (OutpostException e) {
                if (watch.abandoned() != null) {
                    throw new OutpostException(ErrorCode.UNAVAILABLE, "download of " + url + " abandoned: " + watch.abandoned());
                }
                throw e;
            } finally {
                watchdog.cancel(false);
            }
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "cannot download " + url + ": " + e.getMessage());
        }
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        return http;
    }

    /** A download's body with the time of its last byte; {@link #check} closes it when it stalls or runs too long. */
    static final class ProgressWatch extends FilterInputStream {
        private final Duration idle;
        private final Duration total;
        private final long started = System.nanoTime();
        private volatile long lastProgress = started;
        private volatile String abandoned;

        ProgressWatch(InputStream body, Duration idle, Duration total) {
            super(body);
            this.idle = idle;
            this.total = total;
        }

        /** Why the download was given up, or null while it goes on. */
        String abandoned() {
            return abandoned;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            lastProgress = System.nanoTime();
            return n;
        }

        void check() {
            long now = System.nanoTime();
            if (abandoned == null && now - lastProgress > idle.toNanos()) {
                abandon("no data for " + readable(idle));
            } else if (abandoned == null && now - started > total.toNanos()) {
                abandon("not finished within " + readable(total));
            }
        }

        private static String readable(Duration duration) {
            return duration.toSeconds() >= 60 && duration.toSecondsPart() == 0 ? duration.toMinutes() + " min"
                    : String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
        }

        private void abandon(String reason) {
            abandoned = reason;
            try {
                in.close(); // the blocked read fails at once
            } catch (IOException e) {
                LOG.debug("closing a stalled download", e);
            }
        }
    }

    static PackageInfo info(DeploymentPackage dp) {
        List<PackageBundle> bundles = new ArrayList<>();
        for (BundleInfo bundleInfo : dp.getBundleInfos()) {
            Bundle bundle = dp.getBundle(bundleInfo.getSymbolicName());
            bundles.add(new PackageBundle(bundleInfo.getSymbolicName(), bundleInfo.getVersion().toString(),
                    bundle == null ? -1 : bundle.getBundleId(), bundle == null ? "UNINSTALLED" : state(bundle.getState())));
        }
        return new PackageInfo(dp.getName(), dp.getVersion().toString(), bundles);
    }

    public static String state(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.INSTALLED -> "INSTALLED";
            default -> "UNINSTALLED";
        };
    }

    /** Deployment Admin's codes in words, with its own message. */
    static String describe(DeploymentException e) {
        String reason = switch (e.getCode()) {
            case DeploymentException.CODE_MISSING_HEADER -> "a required manifest header is missing";
            case DeploymentException.CODE_BAD_HEADER -> "a manifest header is not valid";
            case DeploymentException.CODE_ORDER_ERROR -> "the manifest must come first, then the bundles, then other resources";
            case DeploymentException.CODE_MISSING_FIXPACK_TARGET -> "the fix-pack's target version is not installed";
            case DeploymentException.CODE_MISSING_BUNDLE -> "a bundle the fix-pack marks missing is not installed";
            case DeploymentException.CODE_MISSING_RESOURCE -> "a resource the fix-pack marks missing is not installed";
            case DeploymentException.CODE_SIGNING_ERROR -> "the signature is not valid";
            case DeploymentException.CODE_BUNDLE_NAME_ERROR -> "a bundle's symbolic name or version differs from its manifest section";
            case DeploymentException.CODE_FOREIGN_CUSTOMIZER -> "a resource processor belongs to another package";
            case DeploymentException.CODE_PROCESSOR_NOT_FOUND -> "no resource processor for a resource";
            case DeploymentException.CODE_BUNDLE_SHARING_VIOLATION -> "a bundle with the same name is already installed outside this package";
            case DeploymentException.CODE_RESOURCE_SHARING_VIOLATION -> "a resource belongs to another package";
            case DeploymentException.CODE_COMMIT_ERROR -> "a resource processor refused to commit";
            case DeploymentException.CODE_TIMEOUT -> "another deployment session is running";
            case DeploymentException.CODE_CANCELLED -> "the session was cancelled";
            default -> "Deployment Admin error " + e.getCode();
        };
        String detail = e.getMessage();
        return detail == null || detail.isBlank() ? reason : reason + " (" + detail + ")";
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", file, e);
        }
    }
}
