package org.outpost.kura.internal.config;

import java.util.Map;

import org.osgi.service.cm.Configuration;

/**
 * A configurable component as it is now: its pid as Kura names it, its factory PID or null, its
 * Config Admin configuration (null for a described PID that has none yet, which runs on its
 * defaults), the stored properties (with framework keys) and its schema.
 */
record ConfigurableComponent(String pid, String factoryPid, Configuration configuration, Map<String, Object> stored,
        ComponentSchema schema) {

    ConfigurableComponent {
        stored = Map.copyOf(stored);
    }

    /** The stored properties without framework keys. */
    Map<String, Object> plainProperties() {
        return PropertyMaps.withoutFrameworkKeys(stored);
    }

    /** The component as a snapshot shows it. */
    KuraComponent toKura() {
        return new KuraComponent(pid, factoryPid, schema.export(plainProperties()));
    }

    String label() {
        return factoryPid == null ? pid : pid + " (" + factoryPid + ")";
    }
}
