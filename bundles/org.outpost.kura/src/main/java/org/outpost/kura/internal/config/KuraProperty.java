package org.outpost.kura.internal.config;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A property as Kura types it: one of Kura's types, a single value or an array, and the values as
 * Java objects of that type ({@code Integer} for {@link KuraType#INTEGER}, {@code String} for a
 * password). A single value has exactly one element.
 */
record KuraProperty(KuraType type, boolean array, List<Object> values) {

    /**
     * What a password is exported as, in XML (with {@code encrypted="true"}) and JSON alike. Given
     * back for a password attribute it means "keep the current secret", so a snapshot or an edited
     * listing can be applied without ever carrying secrets in clear.
     */
    static final String SECRET_PLACEHOLDER = "placeholder";

    KuraProperty {
        Objects.requireNonNull(type, "type");
        values = List.copyOf(values);
        if (!array && values.size() != 1) throw new IllegalArgumentException("a single value needs exactly one element");
        for (Object value : values) {
            if (!type.javaType().isInstance(value)) {
                throw new IllegalArgumentException(value.getClass().getSimpleName() + " is not a " + type.xmlName());
            }
        }
    }

    static KuraProperty single(KuraType type, Object value) {
        return new KuraProperty(type, false, List.of(value));
    }

    static KuraProperty array(KuraType type, List<?> values) {
        return new KuraProperty(type, true, new ArrayList<>(values));
    }

    Object single() {
        return values.get(0);
    }

    /** As Config Admin stores it: the value, or an array of the type's wrapper class. */
    Object toConfigValue() {
        if (!array) return values.get(0);
        Object typed = Array.newInstance(type.javaType(), values.size());
        for (int i = 0; i < values.size(); i++) {
            Array.set(typed, i, values.get(i));
        }
        return typed;
    }

    List<String> texts() {
        List<String> texts = new ArrayList<>(values.size());
        for (Object value : values) texts.add(type.format(value));
        return texts;
    }

    boolean isSecretPlaceholder() {
        if (values.isEmpty()) return false;
        for (Object value : values) {
            if (!SECRET_PLACEHOLDER.equals(value)) return false;
        }
        return true;
    }

    /** The same property with every value replaced by the placeholder, typed as a password. */
    KuraProperty masked() {
        List<Object> masked = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) masked.add(SECRET_PLACEHOLDER);
        return new KuraProperty(KuraType.PASSWORD, array, masked);
    }

    /**
     * A value as Config Admin holds it (a scalar, an array of wrappers or primitives, or a
     * collection), typed by its Java class. Big numbers travel as text; null elements are dropped.
     *
     * @return null when the value has no Kura type
     */
    static KuraProperty ofStored(Object value) {
        if (value == null) return null;
        if (value instanceof Collection<?> collection) return ofElements(new ArrayList<>(collection));
        if (value.getClass().isArray()) {
            List<Object> elements = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) elements.add(Array.get(value, i));
            return ofElements(elements);
        }
        Object element = plain(value);
        KuraType type = KuraType.ofValue(element);
        return type == null ? null : single(type, element);
    }

    private static KuraProperty ofElements(List<Object> raw) {
        List<Object> elements = new ArrayList<>(raw.size());
        for (Object element : raw) {
            if (element != null) elements.add(plain(element));
        }
        if (elements.isEmpty()) return array(KuraType.STRING, List.of());
        KuraType type = KuraType.ofValue(elements.get(0));
        if (type == null) return null;
        for (Object element : elements) {
            if (!type.javaType().isInstance(element)) {
                // a mixed collection: text keeps every value readable
                List<Object> texts = new ArrayList<>();
                for (Object each : elements) texts.add(String.valueOf(each));
                return array(KuraType.STRING, texts);
            }
        }
        return array(type, elements);
    }

    private static Object plain(Object value) {
        return value instanceof BigInteger || value instanceof BigDecimal ? value.toString() : value;
    }
}
