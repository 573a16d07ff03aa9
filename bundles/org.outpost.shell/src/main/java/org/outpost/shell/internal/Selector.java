package org.outpost.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A label selector as {@code kubectl -l} takes it, equality-based: comma-separated requirements
 * {@code key=value} (or {@code key==value}), {@code key!=value}, {@code key} (has the label) and
 * {@code !key} (lacks it). All must hold. An empty selector matches everything.
 */
final class Selector {

    private Selector() {
    }

    /** @throws IllegalArgumentException for a malformed requirement */
    static Predicate<Map<String, String>> parse(String selector) {
        List<Predicate<Map<String, String>>> requirements = new ArrayList<>();
        if (selector != null) {
            for (String raw : selector.split(",", -1)) {
                String req = raw.trim();
                if (req.isEmpty()) {
                    if (selector.isBlank()) {
                        continue;
                    }
                    throw invalid(selector, "empty requirement");
                }
                requirements.add(requirement(selector, req));
            }
        }
        return labels -> {
            Map<String, String> l = labels == null ? Map.of() : labels;
            return requirements.stream().allMatch(r -> r.test(l));
        };
    }

    private static Predicate<Map<String, String>> requirement(String selector, String req) {
        int ne = req.indexOf("!=");
        if (ne >= 0) {
            String key = key(selector, req.substring(0, ne));
            String value = value(selector, key, req.substring(ne + 2));
            return l -> !value.equals(l.get(key));
        }
        int eq = req.indexOf('=');
        if (eq >= 0) {
            String key = key(selector, req.substring(0, eq));
            String rest = req.substring(eq + 1);
            String value = value(selector, key, rest.startsWith("=") ? rest.substring(1) : rest);
            return l -> value.equals(l.get(key));
        }
        if (req.startsWith("!")) {
            String key = key(selector, req.substring(1));
            return l -> !l.containsKey(key);
        }
        String key = key(selector, req);
        return l -> l.containsKey(key);
    }

    private static String key(String selector, String key) {
        String k = key.trim();
        try {
            LabelArgs.validateKey(k);
        } catch (IllegalArgumentException e) {
            throw invalid(selector, e.getMessage());
        }
        return k;
    }

    private static String value(String selector, String key, String value) {
        String v = value.trim();
        try {
            LabelArgs.validateValue(key, v);
        } catch (IllegalArgumentException e) {
            throw invalid(selector, e.getMessage());
        }
        return v;
    }

    private static IllegalArgumentException invalid(String selector, String why) {
        return new IllegalArgumentException("invalid selector \"" + selector + "\": " + why
                + " (use key=value, key!=value, key or !key, separated by commas)");
    }
}
