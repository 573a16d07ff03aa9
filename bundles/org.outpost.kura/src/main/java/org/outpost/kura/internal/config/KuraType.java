package org.outpost.kura.internal.config;

import java.util.Locale;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * Kura's ten property types: the name in snapshot XML ({@code type="Integer"}), the name in the REST
 * JSON ({@code "type": "INTEGER"}), the Metatype attribute type and the Java type Config Admin stores.
 */
enum KuraType {
    STRING("String", AttributeDefinition.STRING, String.class),
    LONG("Long", AttributeDefinition.LONG, Long.class),
    DOUBLE("Double", AttributeDefinition.DOUBLE, Double.class),
    FLOAT("Float", AttributeDefinition.FLOAT, Float.class),
    INTEGER("Integer", AttributeDefinition.INTEGER, Integer.class),
    BYTE("Byte", AttributeDefinition.BYTE, Byte.class),
    CHAR("Char", AttributeDefinition.CHARACTER, Character.class),
    BOOLEAN("Boolean", AttributeDefinition.BOOLEAN, Boolean.class),
    SHORT("Short", AttributeDefinition.SHORT, Short.class),
    /** Stored as a String; never exported in clear (see {@link KuraProperty#SECRET_PLACEHOLDER}). */
    PASSWORD("Password", AttributeDefinition.PASSWORD, String.class);

    private final String xmlName;
    private final int attributeType;
    private final Class<?> javaType;

    KuraType(String xmlName, int attributeType, Class<?> javaType) {
        this.xmlName = xmlName;
        this.attributeType = attributeType;
        this.javaType = javaType;
    }

    String xmlName() {
        return xmlName;
    }

    String restName() {
        return name();
    }

    Class<?> javaType() {
        return javaType;
    }

    /** The type of {@code type="..."} in snapshot XML, or null. */
    static KuraType fromXml(String name) {
        for (KuraType type : values()) {
            if (type.xmlName.equals(name)) return type;
        }
        return null;
    }

    /** The type of {@code "type": "..."} in the REST JSON, or null. */
    static KuraType fromRest(String name) {
        if (name == null) return null;
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The Kura type of a Metatype attribute; the deprecated big number types travel as text. */
    static KuraType ofAttribute(int attributeType) {
        for (KuraType type : values()) {
            if (type.attributeType == attributeType) return type;
        }
        return STRING;
    }

    /** The Kura type of a stored Java value, or null for a type Kura has not. */
    static KuraType ofValue(Object value) {
        for (KuraType type : values()) {
            if (type != PASSWORD && type.javaType.isInstance(value)) return type;
        }
        return null;
    }

    /**
     * Reads one value written as text.
     *
     * @throws IllegalArgumentException saying what is wrong, without repeating a password
     */
    Object parse(String text) {
        try {
            return switch (this) {
                case STRING, PASSWORD -> text;
                case LONG -> Long.valueOf(text.trim());
                case DOUBLE -> Double.valueOf(text.trim());
                case FLOAT -> Float.valueOf(text.trim());
                case INTEGER -> Integer.valueOf(text.trim());
                case BYTE -> Byte.valueOf(text.trim());
                case SHORT -> Short.valueOf(text.trim());
                case BOOLEAN -> parseBoolean(text);
                case CHAR -> parseChar(text);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + article() + " " + xmlName);
        }
    }

    /** One value as text, so that {@link #parse} gives it back exactly. */
    String format(Object value) {
        return String.valueOf(value);
    }

    private Boolean parseBoolean(String text) {
        String trimmed = text.trim();
        if (trimmed.equalsIgnoreCase("true")) return Boolean.TRUE;
        if (trimmed.equalsIgnoreCase("false")) return Boolean.FALSE;
        throw new IllegalArgumentException("'" + text + "' is not true or false");
    }

    private Character parseChar(String text) {
        if (text.length() != 1) throw new IllegalArgumentException("'" + text + "' is not a single character");
        return text.charAt(0);
    }

    private String article() {
        return this == INTEGER ? "an" : "a";
    }
}
