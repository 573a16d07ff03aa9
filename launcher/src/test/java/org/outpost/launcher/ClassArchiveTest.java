package org.outpost.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveTest {
    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    @TempDir
    Path data;

    /** The launcher's classes as a jar: class-data sharing takes jars only, as Karaf's lib/boot is. */
    private static String classPath;

    @BeforeAll
    static void launcherJar(@TempDir Path dir) throws Exception {
        Path classes = Path.of("target/classes").toAbsolutePath();
        Path jar = dir.resolve("launcher.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }
        classPath = jar.toString();
    }

    @Test
    void anArchiveWrittenAtExitIsCheckedThenUsed() throws Exception {
        ClassArchive archive = new ClassArchive(data, JAVA_HOME, classPath);
        List<String> first = archive.jvmOptions();
        String logToFile = "-Xlog:cds*=warning:file=\"" + data.resolve("outpost.jsa.log") + "\"::filecount=0";
        assertEquals(List.of("-XX:ArchiveClassesAtExit=" + data.resolve("outpost.jsa.new"), "-XX:+VerifySharedSpaces",
                "-Xlog:cds*=off", logToFile), first, "the archive's warnings go to a file, not to the user's terminal");

        assertEquals(0, runLauncherHelp(first), "a JVM writing the archive at exit runs normally (the -Xlog options are valid)");
        assertTrue(Files.exists(data.resolve("outpost.jsa.log")));
        assertTrue(Files.size(data.resolve("outpost.jsa.new")) > 0, "the JVM wrote the archive when it exited");

        List<String> second = new ClassArchive(data, JAVA_HOME, classPath).jvmOptions();
        assertEquals(List.of("-XX:SharedArchiveFile=" + data.resolve("outpost.jsa"), "-Xlog:cds*=off", logToFile), second);
        assertFalse(Files.exists(data.resolve("outpost.jsa.new")));
        assertEquals(0, runLauncherHelp(second), "a JVM mapping the archive runs normally");
    }

    @Test
    void aTruncatedArchiveIsDeletedNotMapped() throws Exception {
        List<String> options = new ClassArchive(data, JAVA_HOME, classPath).jvmOptions();
        assertEquals(0, runLauncherHelp(options));
        Path written = data.resolve("outpost.jsa.new");
        try (var channel = Files.newByteChannel(written, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(written) / 2); // as if the JVM had been killed while writing
        }

        List<String> next = new ClassArchive(data, JAVA_HOME, classPath).jvmOptions();
        assertEquals("-XX:ArchiveClassesAtExit=" + written, next.get(0), "written again at the next exit");
        assertFalse(Files.exists(written));
        assertFalse(Files.exists(data.resolve("outpost.jsa")));
        try (Stream<Path> workingDir = Files.list(Path.of("").toAbsolutePath())) {
            assertEquals(List.of(), workingDir.filter(f -> f.getFileName().toString().startsWith("hs_err_pid")).toList(),
                    "a crash of the checking JVM is reported in the data directory, not where the launcher was started");
        }
    }

    @Test
    void anotherClassPathMakesANewArchive() throws Exception {
        assertEquals(0, runLauncherHelp(new ClassArchive(data, JAVA_HOME, classPath).jvmOptions()));
        new ClassArchive(data, JAVA_HOME, classPath).jvmOptions();
        assertTrue(Files.exists(data.resolve("outpost.jsa")));

        List<String> upgraded = new ClassArchive(data, JAVA_HOME, classPath + ":/opt/other.jar").jvmOptions();
        assertTrue(upgraded.get(0).startsWith("-XX:ArchiveClassesAtExit="), upgraded.toString());
        assertFalse(Files.exists(data.resolve("outpost.jsa")));
    }

    @Test
    void aRebuiltJarMakesANewArchive() throws Exception {
        assertEquals(0, runLauncherHelp(new ClassArchive(data, JAVA_HOME, classPath).jvmOptions()));
        new ClassArchive(data, JAVA_HOME, classPath).jvmOptions();
        assertTrue(Files.exists(data.resolve("outpost.jsa")));

        Path jar = Path.of(classPath);
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        List<String> rebuilt = new ClassArchive(data, JAVA_HOME, classPath).jvmOptions();
        assertTrue(rebuilt.get(0).startsWith("-XX:ArchiveClassesAtExit="), "the JVM would ignore the old archive: " + rebuilt);
        assertFalse(Files.exists(data.resolve("outpost.jsa")));
    }

    private static int runLauncherHelp(List<String> options) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA_HOME.resolve("bin/java").toString()));
        command.addAll(options);
        command.addAll(List.of("-classpath", classPath, "org.outpost.launcher.Main", "--help"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the JVM exits");
        return process.exitValue();
    }
}
