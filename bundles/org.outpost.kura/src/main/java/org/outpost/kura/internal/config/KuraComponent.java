package org.outpost.kura.internal.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A component as Kura writes it in a snapshot or a REST body: its pid ({@code kura.service.pid} for
 * factory configurations), its factory PID or null, and its properties without the identity and
 * framework keys. In an update a property may map to null, which removes it.
 */
record KuraComponent(String pid, String factoryPid, Map<String, KuraProperty> properties) {

    /** Kura's property naming the factory of a factory configuration. */
    static final String FACTORY_PID_KEY = "service.factoryPid";
    /** Kura's property naming a factory configuration (the pid of its component). */
    static final String KURA_PID_KEY = "kura.service.pid";

    KuraComponent {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    boolean factory() {
        return factoryPid != null;
    }

    /** How problems name the component: the pid, with the factory for factory configurations. */
    String label() {
        return factoryPid == null ? pid : pid + " (" + factoryPid + ")";
    }

    /** The properties with the identity keys Kura writes for factory configurations in front. */
    Map<String, KuraProperty> propertiesWithIdentity() {
        if (factoryPid == null) return properties;
        Map<String, KuraProperty> all = new LinkedHashMap<>();
        all.put(FACTORY_PID_KEY, KuraProperty.single(KuraType.STRING, factoryPid));
        all.put(KURA_PID_KEY, KuraProperty.single(KuraType.STRING, pid));
        all.putAll(properties);
        return all;
    }
}
