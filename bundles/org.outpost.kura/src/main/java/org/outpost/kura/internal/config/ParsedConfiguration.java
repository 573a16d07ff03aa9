package org.outpost.kura.internal.config;

import java.util.List;

/**
 * Components read from a snapshot or a REST body, and every problem met while reading them (each
 * naming its component and key). Nothing is applied while there is a problem.
 */
record ParsedConfiguration(List<KuraComponent> components, List<String> problems) {
    ParsedConfiguration {
        components = List.copyOf(components);
        problems = List.copyOf(problems);
    }
}
