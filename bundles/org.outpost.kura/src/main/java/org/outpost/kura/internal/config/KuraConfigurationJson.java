package org.outpost.kura.internal.config;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Kura's configuration v2 JSON: a component is {@code {"pid", "definition", "properties"}}, a
 * definition {@code {"ad": [...], "name", "description", "id"}}, an attribute
 * {@code {"option", "name", "description", "id", "type", "cardinality", "defaultValue", "isRequired"}}
 * and a property {@code {"value", "type"}} with Kura's type names ({@code INTEGER}, {@code CHAR},
 * {@code PASSWORD}, ...) and a JSON array for arrays. Absent fields are left out, as Kura's Gson does;
 * Metatype's API has no min and max, so they are never given.
 */
final class KuraConfigurationJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private KuraConfigurationJson() {
    }

    /** {@code {"configs": [...]}}. */
    static ObjectNode configs(List<ObjectNode> configs) {
        ObjectNode list = NODES.objectNode();
        list.putArray("configs").addAll(configs);
        return list;
    }

    /** A component with its definition (when Metatype describes it) and its properties. */
    static ObjectNode config(KuraComponent component, ComponentSchema schema) {
        ObjectNode config = NODES.objectNode();
        config.put("pid", component.pid());
        if (schema instanceof MetatypeSchema metatype) config.set("definition", definition(metatype));
        ObjectNode properties = config.putObject("properties");
        component.propertiesWithIdentity().forEach((key, value) -> {
            if (value != null) properties.set(key, property(value));
        });
        return config;
    }

    static ObjectNode definition(MetatypeSchema schema) {
        ObjectClassDefinition ocd = schema.definition();
        ObjectNode definition = NODES.objectNode();
        ArrayNode attributes = NODES.arrayNode();
        for (AttributeDefinition attribute : schema.attributes()) {
            attributes.add(attribute(attribute, schema.isRequired(attribute.getID())));
        }
        if (!attributes.isEmpty()) definition.set("ad", attributes);
        putIfPresent(definition, "name", ocd.getName());
        putIfPresent(definition, "description", ocd.getDescription());
        definition.put("id", ocd.getID());
        return definition;
    }

    private static ObjectNode attribute(AttributeDefinition attribute, boolean required) {
        ObjectNode ad = NODES.objectNode();
        String[] values = attribute.getOptionValues();
        String[] labels = attribute.getOptionLabels();
        if (values != null && values.length > 0) {
            ArrayNode options = ad.putArray("option");
            for (int i = 0; i < values.length; i++) {
                ObjectNode option = options.addObject();
                if (labels != null && i < labels.length && labels[i] != null) option.put("label", labels[i]);
                option.put("value", values[i]);
            }
        }
        putIfPresent(ad, "name", attribute.getName());
        putIfPresent(ad, "description", attribute.getDescription());
        ad.put("id", attribute.getID());
        ad.put("type", KuraType.ofAttribute(attribute.getType()).restName());
        ad.put("cardinality", attribute.getCardinality());
        String[] defaults = attribute.getDefaultValue();
        if (defaults != null) ad.put("defaultValue", String.join(",", defaults));
        ad.put("isRequired", required);
        return ad;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) node.put(field, value);
    }

    static ObjectNode property(KuraProperty property) {
        ObjectNode node = NODES.objectNode();
        KuraProperty shown = property.type() == KuraType.PASSWORD ? property.masked() : property;
        if (shown.array()) {
            ArrayNode values = node.putArray("value");
            for (Object value : shown.values()) values.add(value(value));
        } else {
            node.set("value", value(shown.single()));
        }
        node.put("type", shown.type().restName());
        return node;
    }

    private static JsonNode value(Object value) {
        if (value instanceof Boolean bool) return NODES.booleanNode(bool);
        if (value instanceof Integer number) return NODES.numberNode(number);
        if (value instanceof Long number) return NODES.numberNode(number);
        if (value instanceof Short number) return NODES.numberNode(number);
        if (value instanceof Byte number) return NODES.numberNode(number);
        if (value instanceof Double number) return NODES.numberNode(number);
        if (value instanceof Float number) return NODES.numberNode(number);
        return NODES.textNode(String.valueOf(value));
    }

    /**
     * Reads Kura's {@code "configs"} list of an update: each {@code {"pid", "properties": {key:
     * {"type", "value"}}}}; a missing or null value removes the property; {@code service.factoryPid}
     * makes it a factory configuration. Every problem is collected, none thrown.
     */
    static ParsedConfiguration readConfigs(JsonNode configs) {
        List<KuraComponent> components = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (configs == null || !configs.isArray()) {
            problems.add("\"configs\" must be a list of {\"pid\": ..., \"properties\": {...}}");
            return new ParsedConfiguration(components, problems);
        }
        for (int i = 0; i < configs.size(); i++) {
            JsonNode config = configs.get(i);
            JsonNode pidNode = config.get("pid");
            if (pidNode == null || !pidNode.isTextual() || pidNode.textValue().isBlank()) {
                problems.add("configs[" + i + "]: \"pid\" is missing");
                continue;
            }
            String pid = pidNode.textValue().trim();
            JsonNode propertiesNode = config.get("properties");
            if (propertiesNode == null || !propertiesNode.isObject()) {
                problems.add(pid + ": \"properties\" must be an object of {\"type\": ..., \"value\": ...}");
                continue;
            }
            String factoryPid = null;
            Map<String, KuraProperty> properties = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> fields = propertiesNode.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                String key = field.getKey();
                String where = pid + ": " + key;
                KuraProperty property;
                try {
                    property = readProperty(field.getValue());
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                    continue;
                }
                if (key.equals(KuraComponent.FACTORY_PID_KEY)) {
                    if (property == null || property.array() || property.type() != KuraType.STRING) {
                        problems.add(where + ": must be a STRING naming the factory");
                    } else {
                        factoryPid = ((String) property.single()).trim();
                    }
                } else if (key.equals(KuraComponent.KURA_PID_KEY)) {
                    if (property != null && (property.array() || property.type() != KuraType.STRING)) {
                        problems.add(where + ": must be a STRING, the pid");
                    } else if (property != null && !pid.equals(property.single())) {
                        problems.add(where + ": '" + property.single() + "' differs from the pid");
                    }
                } else if (!PropertyMaps.isFrameworkKey(key)) {
                    properties.put(key, property);
                }
            }
            components.add(new KuraComponent(pid, factoryPid, properties));
        }
        return new ParsedConfiguration(components, problems);
    }

    /** A property, or null for a missing or null value. */
    private static KuraProperty readProperty(JsonNode node) {
        if (node == null || !node.isObject()) throw new IllegalArgumentException("must be {\"type\": ..., \"value\": ...}");
        JsonNode typeNode = node.get("type");
        KuraType type = typeNode == null ? null : KuraType.fromRest(typeNode.asText());
        if (type == null) {
            throw new IllegalArgumentException("\"type\" must be one of STRING, INTEGER, LONG, DOUBLE, FLOAT, BOOLEAN, CHAR, "
                    + "SHORT, BYTE, PASSWORD");
        }
        JsonNode value = node.get("value");
        if (value == null || value.isNull()) return null;
        if (!value.isArray()) return KuraProperty.single(type, element(type, value, type == KuraType.PASSWORD));
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            try {
                values.add(element(type, value.get(i), type == KuraType.PASSWORD));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("value " + i + ": " + e.getMessage());
            }
        }
        return KuraProperty.array(type, values);
    }

    private static Object element(KuraType type, JsonNode node, boolean secret) {
        String shown = secret ? "the value" : node.toString();
        switch (type) {
            case STRING, PASSWORD -> {
                if (node.isTextual()) return node.textValue();
            }
            case CHAR -> {
                if (node.isTextual() && node.textValue().length() == 1) return node.textValue().charAt(0);
            }
            case BOOLEAN -> {
                if (node.isBoolean()) return node.booleanValue();
            }
            case INTEGER -> {
                if (node.isIntegralNumber() && node.canConvertToInt()) return node.intValue();
            }
            case LONG -> {
                if (node.isIntegralNumber() && node.canConvertToLong()) return node.longValue();
            }
            case SHORT -> {
                if (node.isIntegralNumber() && node.canConvertToInt() && node.intValue() == (short) node.intValue()) {
                    return (short) node.intValue();
                }
            }
            case BYTE -> {
                if (node.isIntegralNumber() && node.canConvertToInt() && node.intValue() == (byte) node.intValue()) {
                    return (byte) node.intValue();
                }
            }
            case DOUBLE -> {
                if (node.isNumber()) return node.doubleValue();
            }
            case FLOAT -> {
                if (node.isNumber()) return node.floatValue();
            }
        }
        throw new IllegalArgumentException(shown + " is not a " + type.restName() + " value");
    }
}
