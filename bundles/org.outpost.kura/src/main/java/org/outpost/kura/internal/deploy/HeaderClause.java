package org.outpost.kura.internal.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One name of an OSGi manifest header such as {@code Import-Package}, with its attributes
 * ({@code version="[1,2)"}) and directives ({@code resolution:=optional}). A clause naming several
 * packages ({@code a;b;version=1}) yields one entry per package.
 */
record HeaderClause(String name, Map<String, String> attributes, Map<String, String> directives) {

    static List<HeaderClause> parse(String header) {
        List<HeaderClause> clauses = new ArrayList<>();
        if (header == null || header.isBlank()) {
            return clauses;
        }
        for (String clause : split(header, ',')) {
            List<String> names = new ArrayList<>();
            Map<String, String> attributes = new LinkedHashMap<>();
            Map<String, String> directives = new LinkedHashMap<>();
            for (String part : split(clause, ';')) {
                int directive = part.indexOf(":=");
                int attribute = part.indexOf('=');
                if (directive > 0 && directive <= attribute) {
                    directives.put(part.substring(0, directive).trim(), unquote(part.substring(directive + 2)));
                } else if (attribute > 0) {
                    String key = part.substring(0, attribute).trim();
                    int type = key.indexOf(':');
                    attributes.put(type > 0 ? key.substring(0, type).trim() : key, unquote(part.substring(attribute + 1)));
                } else if (!part.isBlank()) {
                    names.add(part.trim());
                }
            }
            for (String name : names) {
                clauses.add(new HeaderClause(name, Map.copyOf(attributes), Map.copyOf(directives)));
            }
        }
        return clauses;
    }

    boolean optional() {
        return "optional".equals(directives.get("resolution")) || "dynamic".equals(directives.get("resolution"));
    }

    /** Splits at {@code separator} outside double quotes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String value) {
        String trimmed = value.trim();
        return trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")
                ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
    }
}
