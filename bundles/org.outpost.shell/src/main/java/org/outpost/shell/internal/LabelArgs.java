package org.outpost.shell.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Label arguments as kubectl takes them: {@code key=value} sets a label, {@code key-} removes one.
 * Keys and values follow the Kubernetes rules: a key is an optional DNS-subdomain prefix and a
 * slash, then a name of at most 63 letters, digits, {@code -}, {@code _} and {@code .} that starts
 * and ends with a letter or digit; a value is empty or follows the same rule as the name.
 */
final class LabelArgs {

    static final int MAX_NAME = 63;
    static final int MAX_PREFIX = 253;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern PREFIX = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** What the arguments ask for. */
    record Changes(Map<String, String> set, Set<String> remove) {
        Changes {
            set = Collections.unmodifiableMap(new LinkedHashMap<>(set));
            remove = Collections.unmodifiableSet(new LinkedHashSet<>(remove));
        }
    }

    private LabelArgs() {
    }

    /** @throws IllegalArgumentException naming the first bad argument */
    static Changes parse(List<String> args) {
        if (args == null || args.isEmpty()) {
            throw new IllegalArgumentException("no labels given; use key=value to set a label or key- to remove it");
        }
        Map<String, String> set = new LinkedHashMap<>();
        Set<String> remove = new LinkedHashSet<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq >= 0) {
                String key = arg.substring(0, eq);
                String value = arg.substring(eq + 1);
                validateKey(key);
                validateValue(key, value);
                String previous = set.put(key, value);
                if (previous != null && !previous.equals(value)) {
                    throw new IllegalArgumentException("label " + key + " is given twice with different values");
                }
            } else if (arg.endsWith("-") && arg.length() > 1) {
                String key = arg.substring(0, arg.length() - 1);
                validateKey(key);
                remove.add(key);
            } else {
                throw new IllegalArgumentException("invalid label argument \"" + arg
                        + "\": use key=value to set a label or key- to remove it");
            }
        }
        for (String key : remove) {
            if (set.containsKey(key)) {
                throw new IllegalArgumentException("label " + key + " is both set and removed");
            }
        }
        return new Changes(set, remove);
    }

    /** @throws IllegalArgumentException when {@code key} is not a valid label key */
    static void validateKey(String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > MAX_PREFIX || !PREFIX.matcher(prefix).matches()) {
                throw badKey(key, "the prefix before '/' must be a DNS subdomain (lower-case letters, digits,"
                        + " '-' and '.') of at most " + MAX_PREFIX + " characters");
            }
            if (name.indexOf('/') >= 0) {
                throw badKey(key, "a key has at most one '/'");
            }
        }
        if (name.isEmpty()) {
            throw badKey(key, "the name must not be empty");
        }
        if (name.length() > MAX_NAME) {
            throw badKey(key, "the name must be at most " + MAX_NAME + " characters");
        }
        if (!NAME.matcher(name).matches()) {
            throw badKey(key, "the name must start and end with a letter or digit and contain only letters,"
                    + " digits, '-', '_' and '.'");
        }
    }

    /** @throws IllegalArgumentException when {@code value} is not a valid label value */
    static void validateValue(String key, String value) {
        if (value.isEmpty()) {
            return;
        }
        if (value.length() > MAX_NAME) {
            throw badValue(key, value, "must be at most " + MAX_NAME + " characters");
        }
        if (!NAME.matcher(value).matches()) {
            throw badValue(key, value, "must be empty or start and end with a letter or digit and contain only"
                    + " letters, digits, '-', '_' and '.'");
        }
    }

    /** {@code k=v,k=v} sorted by key, or {@code <none>}. */
    static String format(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return "<none>";
        }
        return new TreeMap<>(labels).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    private static IllegalArgumentException badKey(String key, String why) {
        return new IllegalArgumentException("invalid label key \"" + key + "\": " + why);
    }

    private static IllegalArgumentException badValue(String key, String value, String why) {
        return new IllegalArgumentException("invalid value \"" + value + "\" for label " + key + ": " + why);
    }
}
