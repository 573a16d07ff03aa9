package org.outpost.packaging.deb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a deadline; output goes through files, so no pipe can fill up. */
final class Commands {
    private final Path scratch;

    Commands(Path scratch) {
        this.scratch = scratch;
    }

    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        String output() {
            return stdout + stderr;
        }

        Result expectSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(describe());
            }
            return this;
        }

        String describe() {
            return String.join(" ", command) + " exited with " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    Result run(String... command) throws IOException, InterruptedException {
        return run(Map.of(), Duration.ofSeconds(60), command);
    }

    /** {@code environment} is added to this JVM's, minus any OUTPOST_ variable inherited from the caller. */
    Result run(Map<String, String> environment, Duration timeout, String... command) throws IOException, InterruptedException {
        Files.createDirectories(scratch);
        Path out = Files.createTempFile(scratch, "cmd", ".out");
        Path err = Files.createTempFile(scratch, "cmd", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("OUTPOST_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(List.of(command), process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
