package org.outpost.kura.internal.config;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * A component Metatype describes. A snapshot carries the attributes of its description, typed as
 * the description says; keys the description does not name (a reference's {@code .target}, say)
 * are neither exported nor touched by an import.
 */
final class MetatypeSchema implements ComponentSchema {
    private final ObjectClassDefinition ocd;
    private final Map<String, AttributeDefinition> attributes = new LinkedHashMap<>();
    private final Set<String> required = new HashSet<>();

    MetatypeSchema(ObjectClassDefinition ocd) {
        this.ocd = ocd;
        AttributeDefinition[] all = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        if (all != null) {
            for (AttributeDefinition attribute : all) attributes.put(attribute.getID(), attribute);
        }
        AttributeDefinition[] requiredOnes = ocd.getAttributeDefinitions(ObjectClassDefinition.REQUIRED);
        if (requiredOnes != null) {
            for (AttributeDefinition attribute : requiredOnes) required.add(attribute.getID());
        }
    }

    @Override
    public ObjectClassDefinition definition() {
        return ocd;
    }

    Collection<AttributeDefinition> attributes() {
        return attributes.values();
    }

    boolean isRequired(String id) {
        return required.contains(id);
    }

    @Override
    public String kuraPid(Map<String, Object> stored, String configurationPid) {
        Object kuraPid = stored.get(KuraComponent.KURA_PID_KEY);
        return kuraPid instanceof String text && !text.isBlank() ? text : configurationPid;
    }

    @Override
    public Map<String, KuraProperty> export(Map<String, Object> stored) {
        return typed(stored, true);
    }

    /** Every attribute with a value or a default, typed as Metatype says where the value allows it. */
    private Map<String, KuraProperty> typed(Map<String, Object> stored, boolean maskSecrets) {
        Map<String, KuraProperty> typed = new LinkedHashMap<>();
        for (AttributeDefinition attribute : attributes.values()) {
            Object value = stored.get(attribute.getID());
            KuraProperty property = value == null ? defaultOf(attribute) : typedValue(attribute, value);
            if (property == null) continue;
            if (maskSecrets && property.type() == KuraType.PASSWORD) property = property.masked();
            typed.put(attribute.getID(), property);
        }
        return typed;
    }

    private static KuraProperty defaultOf(AttributeDefinition attribute) {
        String[] defaults = attribute.getDefaultValue();
        if (defaults == null) return null;
        KuraType type = KuraType.ofAttribute(attribute.getType());
        List<Object> values = new ArrayList<>();
        try {
            for (String text : defaults) values.add(type.parse(text));
        } catch (IllegalArgumentException e) {
            return null; // a default its own description refuses: as if there were none
        }
        if (attribute.getCardinality() != 0) return KuraProperty.array(type, values);
        return values.isEmpty() ? null : KuraProperty.single(type, values.get(0));
    }

    /** A stored value as the attribute's type; as its own Java type when it cannot be read as that (the import then says why). */
    private static KuraProperty typedValue(AttributeDefinition attribute, Object value) {
        KuraType type = KuraType.ofAttribute(attribute.getType());
        boolean many = value instanceof Collection || value.getClass().isArray();
        List<Object> elements = new ArrayList<>();
        if (value instanceof Collection<?> collection) {
            elements.addAll(collection);
        } else if (many) {
            for (int i = 0; i < Array.getLength(value); i++) elements.add(Array.get(value, i));
        } else {
            elements.add(value);
        }
        List<Object> converted = new ArrayList<>();
        for (Object element : elements) {
            if (element == null) continue;
            if (type.javaType().isInstance(element)) {
                converted.add(element);
                continue;
            }
            try {
                converted.add(type.parse(String.valueOf(element)));
            } catch (IllegalArgumentException e) {
                return KuraProperty.ofStored(value);
            }
        }
        if (attribute.getCardinality() != 0 || many) return KuraProperty.array(type, converted);
        return converted.isEmpty() ? null : KuraProperty.single(type, converted.get(0));
    }

    @Override
    public Map<String, Object> compose(Map<String, Object> current, Map<String, KuraProperty> given, boolean replace,
            String label, List<String> problems) {
        Map<String, Object> result = new LinkedHashMap<>();
        current.forEach((key, value) -> {
            if (!replace || !attributes.containsKey(key)) result.put(key, value);
        });
        for (Map.Entry<String, KuraProperty> entry : given.entrySet()) {
            String key = entry.getKey();
            KuraProperty property = entry.getValue();
            AttributeDefinition attribute = attributes.get(key);
            if (attribute == null) {
                problems.add(label + ": " + key + ": not an attribute of " + ocd.getID() + " (its attributes: "
                        + String.join(", ", attributes.keySet()) + ")");
                continue;
            }
            if (property == null) {
                result.remove(key);
                continue;
            }
            String problem = check(attribute, property);
            if (problem != null) {
                problems.add(label + ": " + key + ": " + problem);
                continue;
            }
            try {
                Object value = attribute.getType() == AttributeDefinition.PASSWORD
                        ? ComponentSchema.keepSecrets(property, current.get(key))
                        : property.toConfigValue();
                if (value == null) {
                    result.remove(key);
                } else {
                    result.put(key, value);
                }
            } catch (IllegalArgumentException e) {
                problems.add(label + ": " + key + ": " + e.getMessage());
            }
        }
        return result;
    }

    /** Type, cardinality and Metatype's own check of each value; null when valid. */
    private static String check(AttributeDefinition attribute, KuraProperty property) {
        KuraType expected = KuraType.ofAttribute(attribute.getType());
        boolean password = expected == KuraType.PASSWORD;
        if (property.type() != expected && !(password && property.type() == KuraType.STRING)) {
            return "is " + typeName(expected) + ", not " + typeName(property.type());
        }
        int cardinality = attribute.getCardinality();
        if (cardinality == 0 && property.array()) return "takes a single value, not an array";
        if (cardinality != 0 && !property.array()) return "takes an array (cardinality " + cardinality + "), not a single value";
        int limit = cardinality == Integer.MIN_VALUE ? Integer.MAX_VALUE : Math.abs(cardinality);
        if (cardinality != 0 && property.values().size() > limit) {
            return "takes at most " + limit + " values, not " + property.values().size();
        }
        for (int i = 0; i < property.values().size(); i++) {
            Object value = property.values().get(i);
            if (password && KuraProperty.SECRET_PLACEHOLDER.equals(value)) continue;
            String text = expected.format(value);
            // a multi-valued attribute validates a comma-separated list: one escaped element at a time
            String verdict = attribute.validate(cardinality == 0 ? text : escapeListElement(text));
            if (verdict != null && !verdict.isEmpty()) {
                String which = property.array() ? "value " + i + " " : "";
                String shown = password ? "(secret)" : "'" + text + "'";
                return which + shown + " refused: " + reason(verdict) + options(attribute, password);
            }
        }
        return null;
    }

    private static String typeName(KuraType type) {
        return switch (type) {
            case INTEGER -> "an Integer";
            default -> "a " + type.xmlName();
        };
    }

    private static String escapeListElement(String text) {
        return text.replace("\\", "\\\\").replace(",", "\\,").replace(" ", "\\ ");
    }

    /** Felix gives reasons as localisation keys such as {@code %greater than maximum}. */
    private static String reason(String verdict) {
        return verdict.startsWith("%") ? verdict.substring(1) : verdict;
    }

    private static String options(AttributeDefinition attribute, boolean password) {
        String[] options = attribute.getOptionValues();
        if (password || options == null || options.length == 0) return "";
        return " (one of: " + String.join(", ", options) + ")";
    }

    @Override
    public boolean sameEffect(Map<String, Object> before, Map<String, Object> after) {
        return typed(before, false).equals(typed(after, false))
                && PropertyMaps.sameProperties(undescribed(before), undescribed(after));
    }

    private Map<String, Object> undescribed(Map<String, Object> properties) {
        Map<String, Object> undescribed = new LinkedHashMap<>();
        properties.forEach((key, value) -> {
            if (!attributes.containsKey(key)) undescribed.put(key, value);
        });
        return undescribed;
    }

    @Override
    public void checkComplete(Map<String, Object> properties, boolean creating, String pid, String label,
            List<String> problems) {
        if (!creating) return;
        for (AttributeDefinition attribute : attributes.values()) {
            String[] defaults = attribute.getDefaultValue();
            boolean hasDefault = defaults != null && defaults.length > 0;
            if (required.contains(attribute.getID()) && !hasDefault && !properties.containsKey(attribute.getID())) {
                problems.add(label + ": " + attribute.getID() + ": required, and Metatype gives no default");
            }
        }
    }
}
