package org.outpost.workload;

import java.util.List;
import java.util.Map;

/** One container of a pod template; {@code env} keeps the manifest's order. */
public record Container(String name, String image, List<String> command, List<String> args, Map<String, String> env,
        Resources resources) {
    public Container {
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
    }
}
