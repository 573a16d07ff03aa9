package org.outpost.launcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * GNU-style options ({@code --name value} or {@code --name=value}, plus flags) followed by
 * positional words. Unknown options are rejected by name, with the closest known one.
 */
final class Arguments {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    static Arguments parse(List<String> args, Set<String> valued, Set<String> flags, boolean stopAtFirstPositional)
            throws UsageException {
        Arguments parsed = new Arguments();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!parsed.positional.isEmpty() && stopAtFirstPositional) {
                parsed.positional.add(arg);
                continue;
            }
            if (!arg.startsWith("--") || arg.equals("--")) {
                if (arg.equals("--")) {
                    parsed.positional.addAll(args.subList(i + 1, args.size()));
                    break;
                }
                parsed.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("option --" + name + " takes no value");
                }
                parsed.options.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                parsed.options.put(name, value);
            } else {
                Set<String> known = new TreeSet<>(valued);
                known.addAll(flags);
                throw new UsageException("unknown option --" + name
                        + Suggestions.closest(name, known).map(option -> "; did you mean --" + option + "?").orElse(""));
            }
        }
        return parsed;
    }

    String get(String name) {
        return options.get(name);
    }

    String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    List<String> positional() {
        return positional;
    }
}
