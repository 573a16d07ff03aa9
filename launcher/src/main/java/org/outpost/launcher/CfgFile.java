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
 * keeping comments and every other line as they are. Files are written readable by the owner only.
 */
final class CfgFile {
    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*([^#!=:\\s]+)\\s*[=:]\\s*(.*)$");
    /** A typed value as Config Admin writes it back, e.g. {@code I"6443"} or {@code "text"}. */
    private static final Pattern TYPED = Pattern.compile("^[TILFDXSCBZ]?\"(.*)\"$");

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
        Instance.writeOwnerOnly(file, out.isEmpty() ? "" : String.join("\n", out) + "\n");
    }

    /** The value a key is set to, unescaped, or null when the file or the key is missing. */
    static String get(Path file, String key) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = ASSIGNMENT.matcher(line);
            if (m.matches() && m.group(1).equals(key)) {
                String value = m.group(2).strip();
                Matcher typed = TYPED.matcher(value);
                return unescape(typed.matches() ? typed.group(1) : value);
            }
        }
        return null;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }

    /** Undoes the escapes a properties writer may add ({@code \:}, {@code \=}, {@code \\}, {@code \t}, {@code \}u...). */
    private static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\\' || i + 1 == value.length()) {
                out.append(c);
                continue;
            }
            char next = value.charAt(++i);
            switch (next) {
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 4 < value.length() && value.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
                        out.append((char) Integer.parseInt(value.substring(i + 1, i + 5), 16));
                        i += 4;
                    } else {
                        out.append('u');
                    }
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
