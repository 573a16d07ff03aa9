package org.outpost.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One Outpost instance's directory ({@code --data-dir}): Karaf's etc/, data/ and deploy/ for this
 * instance, the console key, and Outpost's own state (server/, agent/). Several instances run side
 * by side from one distribution, each from its own directory.
 */
final class Instance {
    static final String CONSOLE_USER = "outpost";
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    /** Files of the distribution's etc/ that an instance made by an older build gets at its next start. */
    private static final List<String> DISTRIBUTION_FILES = List.of("branding.properties");

    private final Path home;
    private final Path dir;

    Instance(Path distributionHome, Path dataDir) {
        this.home = distributionHome;
        this.dir = dataDir.toAbsolutePath().normalize();
    }

    Path dir() {
        return dir;
    }

    Path etc() {
        return dir.resolve("etc");
    }

    Path consoleKey() {
        return etc().resolve("console.key");
    }

    Path pidFile() {
        return dir.resolve("karaf.pid");
    }

    /** The PID of the instance's JVM when it is running. */
    Optional<Long> runningPid() throws IOException {
        if (!Files.isRegularFile(pidFile())) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile(), StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(true))
                .map(ProcessHandle::pid);
    }

    /**
     * Creates the layout on first use and applies the security policy on every start: whatever the
     * user's umask, etc/ and data/ are the owner's only, as is every file the launcher writes.
     */
    void prepare() throws IOException {
        if (!Files.isDirectory(dir)) {
            ownerOnlyDirectory(dir);
        } else {
            notWritableByOthers(dir);
        }
        if (!Files.isDirectory(etc())) {
            ownerOnlyDirectory(etc());
            copyTree(home.resolve("etc"), etc());
        }
        for (String shipped : DISTRIBUTION_FILES) {
            Path source = home.resolve("etc").resolve(shipped);
            if (Files.isRegularFile(source) && !Files.exists(etc().resolve(shipped))) {
                Files.copy(source, etc().resolve(shipped));
            }
        }
        ownerOnlyTree(etc());
        // what is dropped into deploy/ is installed and run: as private as the configuration
        ownerOnlyDirectory(dir.resolve("deploy"));
        ownerOnlyDirectory(dir.resolve("data"));
        ownerOnlyDirectory(dir.resolve("run"));
        ensureConsoleKey();
        Path shellCfg = etc().resolve("org.apache.karaf.shell.cfg");
        Map<String, String> console = new LinkedHashMap<>();
        console.put("sshHost", "127.0.0.1");
        console.put("sshPort", String.valueOf(consolePort(shellCfg)));
        console.put("authMethods", "publickey");
        console.put("sftpEnabled", "false");
        // the console's host key, made at its first use: EC is generated in milliseconds, RSA-2048 in seconds
        console.put("algorithm", "EC");
        console.put("keySize", "256");
        CfgFile.set(shellCfg, console);
        // Role switches install features without refreshing the console and logging bundles.
        CfgFile.set(etc().resolve("org.apache.karaf.features.cfg"), Map.of("autoRefresh", "false"));
        // No shutdown port: any local user could stop the node through it; outpost stop signals the JVM.
        CfgFile.set(etc().resolve("custom.properties"), Map.of("karaf.shutdown.port", "-1"));
    }

    /**
     * A directory of this instance that only its owner may enter (e.g. {@code server}, {@code agent}),
     * made if missing.
     */
    Path ownerOnlyDirectory(String relative) throws IOException {
        return ownerOnlyDirectory(dir.resolve(relative));
    }

    private static Path ownerOnlyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory.getParent());
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            } catch (FileAlreadyExistsException e) {
                // made meanwhile; its permissions are set below
            }
        }
        Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
        return directory;
    }

    /** An existing instance directory keeps its read permissions but nobody else may replace what is in it. */
    private static void notWritableByOthers(Path directory) throws IOException {
        Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(directory));
        if (permissions.removeAll(EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE))) {
            Files.setPosixFilePermissions(directory, permissions);
        }
    }

    /** etc/ holds the console's keys and the node's configuration: directories 0700, files 0600. */
    private static void ownerOnlyTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isSymbolicLink(path)) {
                    continue;
                }
                Files.setPosixFilePermissions(path, Files.isDirectory(path) ? OWNER_ONLY_DIRECTORY : OWNER_ONLY_FILE);
            }
        }
    }

    private void ensureConsoleKey() throws IOException {
        Path keys = etc().resolve("keys.properties");
        if (Files.isRegularFile(consoleKey()) && CfgFile.get(keys, CONSOLE_USER) != null) {
            return;
        }
        ConsoleKey key = ConsoleKey.generate();
        writeOwnerOnly(consoleKey(), key.privateKeyPem());
        CfgFile.set(keys, Map.of(
                CONSOLE_USER, key.sshPublicKeyBase64() + ",_g_:admingroup",
                "_g_\\:admingroup", "group,admin,manager,viewer,systembundles,ssh"));
        Files.setPosixFilePermissions(keys, OWNER_ONLY_FILE);
    }

    /** Keeps the recorded console port while it is free; otherwise picks a free one. */
    private static int consolePort(Path shellCfg) throws IOException {
        String recorded = CfgFile.get(shellCfg, "sshPort");
        if (recorded != null && recorded.matches("\\d+") && !recorded.equals("8101")
                && LoopbackPorts.isFree(Integer.parseInt(recorded))) {
            return Integer.parseInt(recorded);
        }
        return LoopbackPorts.pickFree();
    }

    static final int DEFAULT_REST_PORT = 8443;

    /** The REST port recorded for this instance, else 8443 when free, else a free one. */
    int restPort() throws IOException {
        String recorded = CfgFile.get(etc().resolve("org.outpost.kura.rest.cfg"), "port");
        if (recorded != null && recorded.matches("\\d{1,5}")) {
            return Integer.parseInt(recorded);
        }
        if (LoopbackPorts.isFree(DEFAULT_REST_PORT)) {
            return DEFAULT_REST_PORT;
        }
        return LoopbackPorts.pickFree();
    }

    int consolePort() throws IOException {
        String port = CfgFile.get(etc().resolve("org.apache.karaf.shell.cfg"), "sshPort");
        if (port == null || !port.matches("\\d+")) {
            throw new IOException("no console port recorded in " + etc().resolve("org.apache.karaf.shell.cfg"));
        }
        return Integer.parseInt(port);
    }

    void configure(String pid, Map<String, String> values) throws IOException {
        CfgFile.set(etc().resolve(pid + ".cfg"), values);
    }

    static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("could not create " + tmp + " exclusively", e);
        }
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(source -> {
                try {
                    Path target = to.resolve(from.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
