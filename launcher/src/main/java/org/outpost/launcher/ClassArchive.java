package org.outpost.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The instance's class-data archive ({@code data/outpost.jsa}): the classes a node loaded, in the
 * form the JVM maps instead of parsing them again, Felix's bundle classes included. A node
 * started with it reaches Ready about half a second sooner on two cores.
 *
 * <p>The JVM writes the archive when it exits normally ({@code outpost stop}) and no archive is
 * in use yet. It goes to {@code outpost.jsa.new} first: a JVM killed while writing leaves a
 * truncated file, and the JVM crashes on mapping one. The next start checks the new file in a
 * throw-away JVM (region checksums included) before it becomes {@code outpost.jsa}; a bad one is
 * deleted and written again at the next stop. The archive is tied to the JDK and the class path
 * that made it (recorded in {@code outpost.jsa.id}): another JDK or distribution makes a new one.
 */
final class ClassArchive {
    private final Path archive;
    private final Path candidate;
    private final Path identityFile;
    private final Path checkCrashLog;
    private final Path log;
    private final Path java;
    private final String classPath;

    ClassArchive(Path dataDir, Path javaHome, String classPath) {
        this.archive = dataDir.resolve("outpost.jsa");
        this.candidate = dataDir.resolve("outpost.jsa.new");
        this.identityFile = dataDir.resolve("outpost.jsa.id");
        this.checkCrashLog = dataDir.resolve("outpost.jsa.rejected.log");
        this.log = dataDir.resolve("outpost.jsa.log");
        this.java = javaHome.resolve("bin/java");
        this.classPath = classPath;
    }

    /** The JVM options for this start: use the archive, or write one at exit. */
    List<String> jvmOptions() throws IOException {
        String identity = identity();
        if (!identity.equals(read(identityFile).orElse(null))) {
            Files.deleteIfExists(archive);
            Files.deleteIfExists(candidate);
            Instance.writeOwnerOnly(identityFile, identity);
        }
        if (!Files.exists(archive) && Files.exists(candidate)) {
            if (mapsCleanly(candidate)) {
                Files.move(candidate, archive, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.delete(candidate);
            }
        }
        if (Files.exists(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive, logOff(), logToFile());
        }
        // checksums written now are what the check at the next start verifies
        return List.of("-XX:ArchiveClassesAtExit=" + candidate, "-XX:+VerifySharedSpaces", logOff(), logToFile());
    }

    /**
     * Writing the archive logs a warning for every class it leaves out (about 1,500 for a node):
     * not for the terminal of the user who stops the node. They go to {@code data/outpost.jsa.log}.
     */
    private static String logOff() {
        return "-Xlog:cds*=off";
    }

    private String logToFile() {
        return "-Xlog:cds*=warning:file=\"" + log + "\"::filecount=0";
    }

    /**
     * What the archive depends on: the JVM, and each class path jar's size and time, which the
     * JVM checks too - a rebuilt jar makes it ignore the archive silently, so make a new one.
     */
    private String identity() throws IOException {
        StringBuilder identity = new StringBuilder()
                .append(System.getProperty("java.home")).append('\n')
                .append(System.getProperty("java.vm.version")).append('\n');
        for (String entry : classPath.split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            identity.append(entry);
            if (Files.exists(jar)) {
                identity.append(' ').append(Files.size(jar)).append(' ').append(Files.getLastModifiedTime(jar).toMillis());
            }
            identity.append('\n');
        }
        return identity.toString();
    }

    /** A bad archive crashes the checking JVM; its crash report is kept next to the archive, not in the working directory. */
    private boolean mapsCleanly(Path file) throws IOException {
        Files.deleteIfExists(checkCrashLog);
        ProcessBuilder check = new ProcessBuilder(java.toString(), "-Xshare:on", "-XX:+VerifySharedSpaces",
                "-XX:SharedArchiveFile=" + file, "-XX:ErrorFile=" + checkCrashLog, "-XX:-CreateCoredumpOnCrash",
                "-classpath", classPath, "-version")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            Process process = check.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Optional<String> read(Path file) throws IOException {
        return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
    }
}
