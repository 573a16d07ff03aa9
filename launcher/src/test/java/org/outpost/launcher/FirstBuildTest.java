package org.outpost.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkout's {@code ./outpost} builds the distribution at its first run: with a line per
 * module and the time so far, not Maven's own output; and with Maven's errors when it fails.
 * Maven is stood in for by a script that prints what Maven prints in batch mode.
 */
class FirstBuildTest {
    private static final Path SCRIPT = Path.of("../outpost").toAbsolutePath().normalize();
    @TempDir
    Path checkout;

    private record Run(int exitCode, String output) {
    }

    private Run firstRun(String mavenBody) throws Exception {
        Files.copy(SCRIPT, checkout.resolve("outpost"), StandardCopyOption.REPLACE_EXISTING);
        Path bin = Files.createDirectories(checkout.resolve("fake-bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/usr/bin/env bash\n" + mavenBody);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder builder = new ProcessBuilder("bash", checkout.resolve("outpost").toString(), "demo", "--data-dir", "d")
                .directory(checkout.toFile()).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("TMPDIR", checkout.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Run(process.exitValue(), output);
    }

    /** Maven's batch-mode output for three modules, then a distribution whose bin/outpost echoes its arguments. */
    private static final String BUILDS = """
            [ "$1" = -B ] || printf '\\033[1;34mINFO\\033[m not in batch mode\\n'
            echo '[INFO] Scanning for projects...'
            echo '[INFO] Reactor Build Order:'
            echo '[INFO] Outpost                                                            [pom]'
            for m in 'Outpost 0.1.0                                                      [1/3]' \\
                     'Outpost :: API 0.1.0                                               [2/3]' \\
                     'Outpost :: Karaf distribution 0.1.0                                [3/3]'; do
                echo '[INFO] ------------------------< org.outpost:x >------------------------'
                echo "[INFO] Building $m"
                echo '[INFO] Building jar: /x/target/x.jar'
                echo '[INFO]  53 | Active |  80 | 0.1.0 | Outpost :: API'
            done
            mkdir -p karaf-distribution/target/assembly/bin karaf-distribution/target/assembly/lib/launcher
            printf 'echo "started: $*"\\n' > karaf-distribution/target/assembly/bin/outpost
            touch karaf-distribution/target/assembly/lib/launcher/outpost-launcher.jar
            echo '[INFO] BUILD SUCCESS'
            """;

    @Test
    void theFirstBuildShowsOneLinePerModuleWithTheTimeSoFar() throws Exception {
        Run run = firstRun(BUILDS);
        assertEquals(0, run.exitCode(), run.output());
        List<String> lines = run.output().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("outpost: \\[ 2/3\\] Outpost :: API 0\\.1\\.0  \\d+ s")), run.output());
        assertTrue(lines.stream().anyMatch(l -> l.matches("outpost: \\[ 3/3\\] Outpost :: Karaf distribution 0\\.1\\.0  \\d+ s")),
                run.output());
        assertTrue(lines.stream().anyMatch(l -> l.matches("outpost: built in \\d+ s")), run.output());
        assertEquals("started: demo --data-dir d", lines.get(lines.size() - 1), "then the command runs");
        assertFalse(run.output().contains("\u001B"), "Maven runs in batch mode: no escape codes");
        assertFalse(run.output().contains("Active"), "nor Maven's own output: " + run.output());
        assertFalse(run.output().contains("[INFO]"), run.output());
        try (var left = Files.list(checkout)) {
            assertTrue(left.noneMatch(f -> f.getFileName().toString().startsWith("outpost-build.")), "the log of a good build goes");
        }

        Run second = firstRun("echo 'maven must not run again'; exit 1\n");
        assertEquals("started: demo --data-dir d", second.output().strip(), "built once");
    }

    @Test
    void aFailedBuildShowsMavensErrorsInFullAndWhereTheLogIs() throws Exception {
        Run run = firstRun("""
                echo '[INFO] Building Outpost :: API 0.1.0                                    [2/3]'
                echo '[ERROR] COMPILATION ERROR :'
                echo '[ERROR] /x/src/main/java/org/outpost/api/Node.java:[3,5] ; expected'
                echo '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.13.0:compile'
                exit 1
                """);
        assertNotEquals(0, run.exitCode());
        assertTrue(run.output().contains("[ERROR] /x/src/main/java/org/outpost/api/Node.java:[3,5] ; expected"), run.output());
        assertTrue(run.output().contains("outpost: the build failed (exit 1)"), run.output());
        assertTrue(run.output().contains("outpost: Maven's whole output is in " + checkout.resolve("outpost-build.")), run.output());
        assertFalse(run.output().contains("started:"), run.output());
    }
}
