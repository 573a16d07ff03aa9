package org.outpost.kura.internal.deploy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.outpost.api.OutpostException;
import org.outpost.api.kura.DeploymentPackages;
import org.outpost.api.kura.PackageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code .dp} files in the deploy folder: a new or changed file installs (or updates) its package,
 * a deleted one uninstalls it. Which file brought which package, with the file's digest, is kept in
 * a properties file, because a deleted file can no longer say its package's name, and because the
 * folder reports every file again after a restart.
 */
final class DeploymentPackageArtifacts implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentPackageArtifacts.class);

    private final DeploymentPackages packages;
    private final Path recordFile;

    DeploymentPackageArtifacts(DeploymentPackages packages, Path recordFile) {
        this.packages = packages;
        this.recordFile = recordFile;
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().toLowerCase(Locale.ROOT).endsWith(".dp");
    }

    @Override
    public void install(File artifact) throws Exception {
        installOrUpdate(artifact);
    }

    @Override
    public void update(File artifact) throws Exception {
        installOrUpdate(artifact);
    }

    @Override
    public synchronized void uninstall(File artifact) throws Exception {
        Properties records = records();
        String key = artifact.getAbsolutePath();
        String name = records.getProperty(key + ".name");
        if (name == null) {
            return; // never installed, e.g. it was refused
        }
        records.remove(key + ".name");
        records.remove(key + ".sha256");
        store(records);
        if (records.containsValue(name)) {
            LOG.info("{} was removed from the deploy folder; package {} stays (another file there brought it too)", artifact, name);
            return;
        }
        try {
            packages.uninstall(name);
        } catch (OutpostException e) {
            LOG.warn("{} was removed from the deploy folder, but package {} could not be uninstalled: {}", artifact, name, e.getMessage());
        }
    }

    private synchronized void installOrUpdate(File artifact) throws IOException {
        Properties records = records();
        String key = artifact.getAbsolutePath();
        String digest = sha256(artifact);
        String name = records.getProperty(key + ".name");
        if (digest.equals(records.getProperty(key + ".sha256")) && name != null && packages.get(name).isPresent()) {
            return; // the folder reports known files again after a restart
        }
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            PackageInfo installed = packages.install(in, artifact.toString());
            records.setProperty(key + ".name", installed.name());
            records.setProperty(key + ".sha256", digest);
            store(records);
            LOG.info("deploy folder: {} installed package {} {}", artifact.getName(), installed.name(), installed.version());
        } catch (OutpostException e) {
            // logged, not thrown: FileInstall would retry a refused file on every scan
            LOG.error("deploy folder: {} was refused: {}", artifact.getName(), e.getMessage());
        }
    }

    private Properties records() throws IOException {
        Properties records = new Properties();
        if (Files.isRegularFile(recordFile)) {
            try (InputStream in = Files.newInputStream(recordFile)) {
                records.load(in);
            }
        }
        return records;
    }

    private void store(Properties records) throws IOException {
        Files.createDirectories(recordFile.getParent());
        Path temp = recordFile.resolveSibling(recordFile.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            records.store(out, "deploy folder files and the packages they installed");
        }
        Files.move(temp, recordFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The file's SHA-256, read in blocks: a package may be hundreds of MiB. */
    private static String sha256(File file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file.toPath()), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
