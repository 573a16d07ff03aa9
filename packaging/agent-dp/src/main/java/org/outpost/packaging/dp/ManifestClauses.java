package org.outpost.packaging.dp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clauses of an OSGi manifest header such as {@code Import-Package}: comma-separated clauses,
 * each with one or more paths and then {@code name=value} attributes and {@code name:=value}
 * directives, values optionally in double quotes (which may hold commas and semicolons).
 */
final class ManifestClauses {

    /** One clause: {@code paths} share the attributes and directives. Typed attributes ({@code version:Version}) are keyed by name. */
    record Clause(List<String> paths, Map<String, String> attributes, Map<String, String> directives) {
        String attribute(String name) {
            return attributes.get(name);
        }

        String directive(String name) {
            return directives.get(name);
        }
    }

    private ManifestClauses() {
    }

    /** The clauses of {@code header}; none for a null or blank header. */
    static List<Clause> parse(String header) {
        List<Clause> clauses = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return clauses;
        }
        for (String clauseText : split(header, ',')) {
            if (clauseText.isBlank()) {
                continue;
            }
            List<String> paths = new ArrayList<>();
            Map<String, String> attributes = new LinkedHashMap<>();
            Map<String, String> directives = new LinkedHashMap<>();
            for (String part : split(clauseText, ';')) {
                String text = part.trim();
                if (text.isEmpty()) {
                    continue;
                }
                int equals = indexOutsideQuotes(text, '=');
                if (equals < 0) {
                    if (!attributes.isEmpty() || !directives.isEmpty()) {
                        throw new IllegalArgumentException("'" + text + "' follows parameters in clause '" + clauseText.trim()
                                + "': paths come first");
                    }
                    paths.add(text);
                } else if (equals > 0 && text.charAt(equals - 1) == ':') {
                    directives.put(text.substring(0, equals - 1).trim(), unquote(text.substring(equals + 1).trim()));
                } else {
                    String name = text.substring(0, equals).trim();
                    int colon = name.indexOf(':');
                    attributes.put(colon < 0 ? name : name.substring(0, colon).trim(), unquote(text.substring(equals + 1).trim()));
                }
            }
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("clause '" + clauseText.trim() + "' names no package or path");
            }
            clauses.add(new Clause(List.copyOf(paths), Map.copyOf(attributes), Map.copyOf(directives)));
        }
        return clauses;
    }

    /** Splits at {@code separator} where it is not inside double quotes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quotes in '" + text + "'");
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static int indexOutsideQuotes(String text, char wanted) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == wanted && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String value) {
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
            return value;
        }
        StringBuilder plain = new StringBuilder(value.length() - 2);
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() - 1) {
                c = value.charAt(++i);
            }
            plain.append(c);
        }
        return plain.toString();
    }
}
