package org.outpost.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One Outpost instance's directory ({@code --data-dir}): Karaf's etc/, data/ and deploy/ for this
 * instance, the console key, and Outpost's own state (server/, agent/). Several instances run side
 * by side from one distribution, each from its own directory.
 */
final class Instance {
    static final String CONSOLE_USER = "outpost";

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

    /** Creates the layout on first use and applies the security policy on every start. */
    void prepare() throws IOException {
        Files.createDirectories(dir);
        if (!Files.isDirectory(etc())) {
            copyTree(home.resolve("etc"), etc());
        }
        Files.createDirectories(dir.resolve("deploy"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("run"));
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
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
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
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
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
