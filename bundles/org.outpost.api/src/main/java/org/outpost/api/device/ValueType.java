package org.outpost.api.device;

/** The type of a channel's value, as Kura names them in {@code <channel>#+value.type}. */
public enum ValueType {
    BOOLEAN, INTEGER, LONG, FLOAT, DOUBLE, STRING, BYTE_ARRAY;

    /** Whether values of this type are numbers (scale and offset apply). */
    public boolean numeric() {
        return this == INTEGER || this == LONG || this == FLOAT || this == DOUBLE;
    }

    /** The type of a raw value a driver read, or null for a type no channel can hold. */
    public static ValueType of(Object value) {
        if (value instanceof Boolean) return BOOLEAN;
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) return INTEGER;
        if (value instanceof Long) return LONG;
        if (value instanceof Float) return FLOAT;
        if (value instanceof Double) return DOUBLE;
        if (value instanceof String) return STRING;
        if (value instanceof byte[]) return BYTE_ARRAY;
        return null;
    }
}
