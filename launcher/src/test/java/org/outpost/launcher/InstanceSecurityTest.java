package org.outpost.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The instance's files are its owner's, the node has no shutdown port, and an OutOfMemoryError ends it. */
class InstanceSecurityTest {
    @TempDir
    Path tmp;

    private Path distribution() throws Exception {
        Path home = tmp.resolve("home");
        for (String dir : List.of("etc/scripts", "lib/boot", "lib/jdk9plus", "lib/endorsed")) {
            Files.createDirectories(home.resolve(dir));
        }
        Files.writeString(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort = 8101\n");
        Files.writeString(home.resolve("etc/custom.properties"), "karaf.systemBundlesStartLevel=50\n");
        Files.writeString(home.resolve("etc/branding.properties"), "welcome = Outpost\n");
        Files.writeString(home.resolve("etc/scripts/x.script"), "echo\n");
        for (Path file : List.of(home.resolve("etc/custom.properties"), home.resolve("etc/scripts/x.script"))) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        }
        return home;
    }

    @Test
    void etcDataAndTheRoleDirectoriesAreTheOwnersOnly() throws Exception {
        Path home = distribution();
        Path data = tmp.resolve("node");
        String plan = run(home, "server", "--data-dir", data.toString(), "--node-name", "srv",
                "--https-port", String.valueOf(LoopbackPorts.pickFree()));
        for (String dir : List.of("", "etc", "etc/scripts", "data", "data/tmp", "deploy", "run", "server", "agent")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(dir))), dir);
        }
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
            }
        }
        assertTrue(plan.contains("\numask 077\n"), "what the node writes is private whatever the user's umask: " + plan);
    }

    @Test
    void anExistingInstanceIsTightenedAtItsNextStart() throws Exception {
        Path home = distribution();
        Path data = tmp.resolve("node");
        Instance instance = new Instance(home, data);
        instance.prepare();
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(data.resolve("etc"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve("etc/custom.properties"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.delete(data.resolve("etc/branding.properties"));
        instance.prepare();
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)), "nobody else may write");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("etc"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("etc/custom.properties"))));
        assertEquals("welcome = Outpost\n", Files.readString(data.resolve("etc/branding.properties")),
                "an instance made before the banner existed gets it");
    }

    @Test
    void theNodeHasNoShutdownPort() throws Exception {
        Instance instance = new Instance(distribution(), tmp.resolve("node"));
        instance.prepare();
        Path custom = instance.etc().resolve("custom.properties");
        assertEquals("-1", CfgFile.get(custom, "karaf.shutdown.port"));
        assertEquals("50", CfgFile.get(custom, "karaf.systemBundlesStartLevel"), "the rest of the file is kept");
    }

    @Test
    void theNodeExitsOnOutOfMemory() {
        assertTrue(List.of(Main.jvmOptions().split(" ")).contains("-XX:+ExitOnOutOfMemoryError"), Main.jvmOptions());
    }

    private static String run(Path home, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, new Main(home, new PrintStream(out, true, StandardCharsets.UTF_8)).run(List.of(args)));
        return out.toString(StandardCharsets.UTF_8);
    }
}
