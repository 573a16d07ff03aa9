package org.outpost.packaging.dp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@link KuraStyleContainer} JVM as the test drives it: one command per line, replies read
 * back with a deadline. Its log (stderr) is kept in a file and quoted in every failure. The JVM is
 * stopped by its own PID in {@link #close()}, also when the test failed.
 */
final class ContainerProcess implements AutoCloseable {
    private static final String END_OF_OUTPUT = "\u0000end";

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Path log;
    private final Path work;
    private int configurationFiles;

    /** A bundle as the container lists it. */
    record BundleRow(long id, String symbolicName, String version, String state, boolean fragment, String location,
            List<String> karafImports, List<String> karafWires) {
    }

    /** A Declarative Services component as the container lists it; {@code details} says why it is not active. */
    record ComponentRow(String bundle, String name, String state, String details) {
    }

    private ContainerProcess(Process process, Path log, Path work) {
        this.process = process;
        this.log = log;
        this.work = work;
        this.commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readReplies, "container-replies-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the container JVM with nothing but the framework jar and this test's classes on its
     * class path, the base bundles from {@code baseBundles}, its framework storage and working
     * directory under {@code work}.
     */
    static ContainerProcess start(Path work, Path frameworkJar, Path baseBundles, Duration timeout) throws IOException {
        // Kura's recommended heap for a gateway
        return start(work, frameworkJar, baseBundles, timeout, List.of("-Xmx256m"), Map.of());
    }

    static ContainerProcess start(Path work, Path frameworkJar, Path baseBundles, Duration timeout, List<String> jvmOptions,
            Map<String, String> environment) throws IOException {
        Path cwd = Files.createDirectories(work.resolve("cwd"));
        Path log = work.resolve("container.log");
        String classPath = codeSource(KuraStyleContainer.class) + java.io.File.pathSeparator + frameworkJar;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-cp", classPath, KuraStyleContainer.class.getName(), work.resolve("storage").toString(), baseBundles.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectError(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        ContainerProcess container = new ContainerProcess(process, log, work);
        try {
            container.awaitReply("start", timeout);
        } catch (AssertionError | RuntimeException e) {
            container.close();
            throw e;
        }
        return container;
    }

    private static String codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** The working directory of the container JVM (where a relative path would land). */
    Path workingDirectory() {
        return work.resolve("cwd");
    }

    /** Sends one command; returns the reply lines, the final {@code ok ...} line last (without the prefix). */
    List<String> send(String command, Duration timeout) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new AssertionError("the container no longer takes commands (" + e.getMessage() + ")" + logTail(), e);
        }
        return awaitReply(command, timeout);
    }

    String configure(String pid, Map<String, ?> properties) {
        return lastLine(send("configure " + pid + " " + propertiesFile(properties), Duration.ofSeconds(30)));
    }

    String configureFactory(String factoryPid, Map<String, ?> properties) {
        return lastLine(send("configure-factory " + factoryPid + " " + propertiesFile(properties), Duration.ofSeconds(30)));
    }

    List<BundleRow> bundles() {
        List<BundleRow> rows = new ArrayList<>();
        for (String line : send("bundles", Duration.ofSeconds(30))) {
            if (line.startsWith("bundle\t")) {
                String[] f = line.split("\t", -1);
                rows.add(new BundleRow(Long.parseLong(f[1]), f[2], f[3], f[4], Boolean.parseBoolean(f[5]), f[6], list(f[7]), list(f[8])));
            }
        }
        return rows;
    }

    List<ComponentRow> components() {
        List<ComponentRow> rows = new ArrayList<>();
        for (String line : send("components", Duration.ofSeconds(30))) {
            if (line.startsWith("component\t")) {
                String[] f = line.split("\t", -1);
                rows.add(new ComponentRow(f[1], f[2], f[3], f[4].trim()));
            }
        }
        return rows;
    }

    /** Has the container write its bundle and component states to its log; failures here are only reported. */
    void diagnose() {
        try {
            send("diagnose", Duration.ofSeconds(30));
        } catch (AssertionError e) {
            System.err.println("could not diagnose the container: " + e.getMessage());
        }
    }

    TreeSet<String> threads() {
        TreeSet<String> names = new TreeSet<>();
        for (String line : send("threads", Duration.ofSeconds(30))) {
            if (line.startsWith("thread\t")) {
                names.add(line.substring("thread\t".length()));
            }
        }
        return names;
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logTail() {
        String text = log();
        return "\n--- container log (" + log + ", last 12000 characters) ---\n" + text.substring(Math.max(0, text.length() - 12000));
    }

    /**
     * Values typed as Config Admin stores them: the type travels as a key suffix the container
     * understands ({@code key@Long}).
     */
    private Path propertiesFile(Map<String, ?> values) {
        Properties properties = new Properties();
        values.forEach((key, value) -> {
            String type = value instanceof String ? "" : "@" + value.getClass().getSimpleName();
            properties.setProperty(key + type, String.valueOf(value));
        });
        Path file = work.resolve("configuration-" + (++configurationFiles) + ".properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private List<String> awaitReply(String command, Duration timeout) {
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line;
            try {
                line = replies.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for '" + command + "'", e);
            }
            if (line == null) {
                throw new AssertionError("no reply to '" + command + "' within " + timeout + logTail());
            }
            if (line.equals(END_OF_OUTPUT)) {
                replies.add(END_OF_OUTPUT);
                throw new AssertionError("the container exited during '" + command + "'" + logTail());
            }
            if (!line.startsWith(KuraStyleContainer.REPLY)) {
                continue;
            }
            String reply = line.substring(KuraStyleContainer.REPLY.length());
            lines.add(reply);
            if (reply.startsWith("error ")) {
                throw new AssertionError("'" + command + "' failed: " + reply.substring("error ".length()) + logTail());
            }
            if (reply.startsWith("ok")) {
                return lines;
            }
        }
    }

    private void readReplies() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                replies.add(line);
            }
        } catch (IOException e) {
            // the process ended; the marker below tells whoever waits
        }
        replies.add(END_OF_OUTPUT);
    }

    private static String lastLine(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    private static List<String> list(String field) {
        return field.isEmpty() ? List.of() : List.of(field.split(","));
    }

    /** Asks the framework to stop; kills the JVM (this PID only) when it does not exit in time. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                commands.write("stop\n");
                commands.close();
            } catch (IOException e) {
                // already gone, or about to be killed below
            }
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
