package org.outpost.kura.internal.config;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Configuration properties as maps: framework keys, copies and comparison of array values. */
final class PropertyMaps {

    /** Keys Config Admin manages itself: never written by an update. */
    private static final Set<String> ADMIN_KEYS = Set.of("service.pid", "service.factoryPid", "service.bundleLocation");

    /**
     * Keys of the framework, File Install, Karaf and Kura: never exported nor imported as
     * properties, but kept on a configuration that has them.
     */
    private static final Set<String> FRAMEWORK_KEYS = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            "felix.fileinstall.filename", KuraComponent.KURA_PID_KEY, "org.apache.karaf.features.configKey");

    private PropertyMaps() {
    }

    static boolean isFrameworkKey(String key) {
        return FRAMEWORK_KEYS.contains(key) || key.startsWith("component.");
    }

    static Map<String, Object> copy(Dictionary<String, ?> dictionary) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (dictionary == null) return map;
        for (Enumeration<String> keys = dictionary.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            map.put(key, dictionary.get(key));
        }
        return map;
    }

    /** The properties without framework keys. */
    static Map<String, Object> withoutFrameworkKeys(Map<String, Object> stored) {
        Map<String, Object> plain = new LinkedHashMap<>();
        stored.forEach((key, value) -> {
            if (!isFrameworkKey(key)) plain.put(key, value);
        });
        return plain;
    }

    /** The framework keys of {@code stored} that an update keeps (File Install's file name, Kura's pid, ...). */
    static Map<String, Object> keptFrameworkKeys(Map<String, Object> stored) {
        Map<String, Object> kept = new LinkedHashMap<>();
        stored.forEach((key, value) -> {
            if (isFrameworkKey(key) && !ADMIN_KEYS.contains(key)) kept.put(key, value);
        });
        return kept;
    }

    /** A dictionary for {@code Configuration.update}: without the keys Config Admin sets itself. */
    static Dictionary<String, Object> forUpdate(Map<String, Object> properties) {
        Hashtable<String, Object> dictionary = new Hashtable<>();
        properties.forEach((key, value) -> {
            if (!ADMIN_KEYS.contains(key) && value != null) dictionary.put(key, value);
        });
        return dictionary;
    }

    static boolean sameProperties(Map<String, ?> a, Map<String, ?> b) {
        if (a.size() != b.size()) return false;
        for (Map.Entry<String, ?> entry : a.entrySet()) {
            if (!b.containsKey(entry.getKey()) || !sameValue(entry.getValue(), b.get(entry.getKey()))) return false;
        }
        return true;
    }

    /** Equal values, arrays and collections element by element (an array equals a collection of the same elements). */
    static boolean sameValue(Object a, Object b) {
        if (a == b) return true;
        if (a == null || b == null) return false;
        boolean aMany = a.getClass().isArray() || a instanceof Collection;
        boolean bMany = b.getClass().isArray() || b instanceof Collection;
        if (!aMany && !bMany) return a.equals(b);
        if (aMany != bMany) return false;
        Iterator<?> ai = elements(a);
        Iterator<?> bi = elements(b);
        while (ai.hasNext() && bi.hasNext()) {
            if (!sameValue(ai.next(), bi.next())) return false;
        }
        return !ai.hasNext() && !bi.hasNext();
    }

    private static Iterator<?> elements(Object many) {
        if (many instanceof Collection<?> collection) return collection.iterator();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < Array.getLength(many);
            }

            @Override
            public Object next() {
                return Array.get(many, next++);
            }
        };
    }
}
