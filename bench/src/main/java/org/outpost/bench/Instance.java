package org.outpost.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Outpost instance started by the benchmark through the launcher ({@code outpost server} or
 * {@code outpost agent}). The launcher execs the JVM, so the started process is the node's JVM;
 * its output goes to {@code <data-dir>.out}, and the time its "listening on" banner appears is noted.
 */
final class Instance implements AutoCloseable {
    private static final List<Instance> STARTED = new ArrayList<>();

    static {
        // Never leave a JVM behind if the benchmark dies: stop what this run started, and only that.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (STARTED) {
                for (Instance instance : STARTED) {
                    instance.process.toHandle().destroy();
                }
            }
        }, "bench-cleanup"));
    }

    private final Path launcher;
    private final Path dataDir;
    private final Process process;
    private final long startNanos;
    private volatile long bannerNanos = -1;

    private Instance(Path launcher, Path dataDir, Process process, long startNanos) {
        this.launcher = launcher;
        this.dataDir = dataDir;
        this.process = process;
        this.startNanos = startNanos;
    }

    /**
     * Starts {@code launcher command args...}; the clock starts just before the process is
     * created. {@code javaOpts}, when not blank, is passed as OUTPOST_JAVA_OPTS.
     */
    static Instance start(Path launcher, Path dataDir, String javaOpts, List<String> args) throws IOException {
        if (!args.isEmpty() && args.get(0).equals("server")) {
            // every simulated agent joins from 127.0.0.1: lift the per-source join limit (10 a minute) for the
            // bench's servers; the launcher keeps keys it does not set
            java.nio.file.Files.createDirectories(dataDir.resolve("etc"));
            java.nio.file.Files.writeString(dataDir.resolve("etc/org.outpost.server.cfg"),
                    "joinsPerMinute = 1000000\njoinBurst = 100000\n", java.nio.charset.StandardCharsets.UTF_8);
        }
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.remove("OUTPOST_JAVA_OPTS");
        if (javaOpts != null && !javaOpts.isBlank()) {
            env.put("OUTPOST_JAVA_OPTS", javaOpts);
        }
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".out");
        Files.createDirectories(log.getParent());
        long start = System.nanoTime();
        Process process = builder.start();
        Instance instance = new Instance(launcher, dataDir, process, start);
        synchronized (STARTED) {
            STARTED.add(instance);
        }
        Thread reader = new Thread(() -> instance.copyOutput(log), "bench-output-" + dataDir.getFileName());
        reader.setDaemon(true);
        reader.start();
        return instance;
    }

    private void copyOutput(Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            out.println("---- started " + java.time.Instant.now());
            out.flush();
            for (String line; (line = in.readLine()) != null;) {
                if (bannerNanos < 0 && line.contains(" listening on https://")) {
                    bannerNanos = System.nanoTime();
                }
                out.println(line);
                out.flush();
            }
        } catch (IOException e) {
            // process ended
        }
    }

    /** The node's JVM: the started process itself, since the launcher execs Karaf which execs java. */
    long pid() {
        return process.pid();
    }

    /** The PID recorded in the instance's karaf.pid (Karaf writes it once it runs), or -1. */
    long karafPid() {
        try {
            return Long.parseLong(Files.readString(dataDir.resolve("karaf.pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    Path dataDir() {
        return dataDir;
    }

    long startNanos() {
        return startNanos;
    }

    /** Seconds from the start to the "listening on" banner, or NaN if it has not appeared. */
    double bannerSeconds() {
        long banner = bannerNanos;
        return banner < 0 ? Double.NaN : (banner - startNanos) / 1e9;
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The last lines of the instance's output, to show why it failed. */
    String outputTail(int lines) {
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".out");
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }

    /**
     * {@code outpost stop --data-dir DIR} (bounded), then waits for the JVM to exit; destroys it
     * if it does not. Returns the seconds the stop took.
     */
    double stop() {
        long t0 = System.nanoTime();
        if (process.isAlive()) {
            try {
                Process stop = new ProcessBuilder(launcher.toString(), "stop", "--data-dir", dataDir.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!stop.waitFor(90, TimeUnit.SECONDS)) {
                    stop.destroyForcibly();
                }
            } catch (IOException e) {
                // fall through to destroy
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(15, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        synchronized (STARTED) {
            STARTED.remove(this);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }
}
