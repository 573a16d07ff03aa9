package org.outpost.kura.internal.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The configurable components at one moment, and the schemas of the PIDs and factory PIDs that may
 * be configured (described singletons, described factories, devices and rules).
 */
record Catalogue(List<ConfigurableComponent> components, Map<String, MetatypeSchema> singletonSchemas,
        Map<String, ComponentSchema> factorySchemas) {

    Catalogue {
        components = List.copyOf(components);
        singletonSchemas = Map.copyOf(singletonSchemas);
        factorySchemas = Map.copyOf(factorySchemas);
    }

    /** The singleton component of that PID, or null. */
    ConfigurableComponent singleton(String pid) {
        for (ConfigurableComponent component : components) {
            if (component.factoryPid() == null && component.pid().equals(pid)) return component;
        }
        return null;
    }

    /** The factory configurations Kura would call {@code pid}; of one factory when {@code factoryPid} is not null. */
    List<ConfigurableComponent> factoryComponents(String factoryPid, String pid) {
        List<ConfigurableComponent> found = new ArrayList<>();
        for (ConfigurableComponent component : components) {
            if (component.factoryPid() != null && component.pid().equals(pid)
                    && (factoryPid == null || component.factoryPid().equals(factoryPid))) {
                found.add(component);
            }
        }
        return found;
    }

    List<KuraComponent> toKura() {
        List<KuraComponent> kura = new ArrayList<>(components.size());
        for (ConfigurableComponent component : components) kura.add(component.toKura());
        return kura;
    }
}
