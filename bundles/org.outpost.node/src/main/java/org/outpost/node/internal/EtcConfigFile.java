package org.outpost.node.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PID's file in Karaf's {@code etc/}, where an operator looks for a node's settings and edits
 * them: a value is set by replacing its line (or adding one), comments and other lines stay.
 * Karaf's file watcher reads the file into Config Admin.
 */
final class EtcConfigFile {
    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*([^#!=:\\s]+)\\s*[=:].*$");

    private final Path file;

    EtcConfigFile(Path file) {
        this.file = file;
    }

    /** {@code karaf.etc}/{@code pid}.cfg, or empty outside Karaf. */
    static Optional<EtcConfigFile> of(String pid) {
        String etc = System.getProperty("karaf.etc");
        return etc == null ? Optional.empty() : Optional.of(new EtcConfigFile(Path.of(etc).resolve(pid + ".cfg")));
    }

    Path path() {
        return file;
    }

    /** The file's bytes now, to put back with {@link #restore}; empty when there is no file. */
    Optional<byte[]> snapshot() throws IOException {
        return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    void restore(Optional<byte[]> snapshot) throws IOException {
        if (snapshot.isEmpty()) {
            Files.deleteIfExists(file);
        } else {
            write(snapshot.get());
        }
    }

    void set(Map<String, String> values) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        Map<String, String> pending = new LinkedHashMap<>(values);
        List<String> out = new ArrayList<>(lines.size() + values.size());
        for (String line : lines) {
            Matcher m = ASSIGNMENT.matcher(line);
            if (m.matches() && pending.containsKey(m.group(1))) {
                out.add(m.group(1) + " = " + pending.remove(m.group(1)));
            } else if (!m.matches() || !values.containsKey(m.group(1))) {
                out.add(line);
            }
        }
        pending.forEach((key, value) -> out.add(key + " = " + value));
        write((String.join("\n", out) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] content) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(next, content);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
