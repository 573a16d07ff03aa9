package org.outpost.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edits a Karaf {@code .cfg} file in place: replaces the line that sets a key, or appends one,
 * keeping comments and every other line as they are.
 */
final class CfgFile {
    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*([^#!=:\\s]+)\\s*[=:].*$");

    private CfgFile() {
    }

    static void set(Path file, Map<String, String> values) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : new ArrayList<>();
        Map<String, String> pending = new LinkedHashMap<>(values);
        List<String> out = new ArrayList<>(lines.size() + values.size());
        for (String line : lines) {
            Matcher m = ASSIGNMENT.matcher(line);
            if (m.matches() && pending.containsKey(m.group(1))) {
                String key = m.group(1);
                out.add(key + " = " + escape(pending.remove(key)));
            } else if (m.matches() && values.containsKey(m.group(1))) {
                continue; // a duplicate assignment of a key already written above
            } else {
                out.add(line);
            }
        }
        pending.forEach((key, value) -> out.add(key + " = " + escape(value)));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, out, StandardCharsets.UTF_8);
    }

    static String get(Path file, String key) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = ASSIGNMENT.matcher(line);
            if (m.matches() && m.group(1).equals(key)) {
                return line.substring(line.indexOf(line.contains("=") ? '=' : ':') + 1).trim();
            }
        }
        return null;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }
}
