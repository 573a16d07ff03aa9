package org.outpost.shell.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.outpost.workload.LabelRules;

/**
 * Label arguments as kubectl takes them: {@code key=value} sets a label, {@code key-} removes one.
 * Keys and values follow the Kubernetes rules, checked by {@link LabelRules} as the server checks
 * them: a key is an optional DNS-subdomain prefix and a slash, then a name of at most 63 letters,
 * digits, {@code -}, {@code _} and {@code .} that starts and ends with a letter or digit; a value
 * is empty or follows the same rule as the name.
 */
final class LabelArgs {

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
        LabelRules.keyProblem(key).ifPresent(why -> {
            throw new IllegalArgumentException("invalid label key " + LabelRules.quoted(key) + ": " + why);
        });
    }

    /** @throws IllegalArgumentException when {@code value} is not a valid label value */
    static void validateValue(String key, String value) {
        LabelRules.problem(key, value).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
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
}
