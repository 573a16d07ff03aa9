package org.outpost.device.modbus.internal;

import java.util.Locale;

/**
 * How a channel's value is laid out in its table ({@code <channel>#data.type}): one bit, or one,
 * two or four 16-bit registers. Reads give the raw Java value the driver SPI promises (Boolean,
 * Integer, Long, Float, Double); writes turn a raw value back into register words, refusing what
 * does not fit.
 */
enum DataType {
    BOOLEAN(1, 0, 1),
    INT16(1, Short.MIN_VALUE, Short.MAX_VALUE),
    UINT16(1, 0, 0xFFFF),
    INT32(2, Integer.MIN_VALUE, Integer.MAX_VALUE),
    UINT32(2, 0, 0xFFFF_FFFFL),
    FLOAT32(2, 0, 0),
    INT64(4, Long.MIN_VALUE, Long.MAX_VALUE),
    FLOAT64(4, 0, 0);

    static final String NAMES = "BOOLEAN, INT16, UINT16, INT32, UINT32, FLOAT32, INT64, FLOAT64";

    private final int width;
    private final long min;
    private final long max;

    DataType(int width, long min, long max) {
        this.width = width;
        this.min = min;
        this.max = max;
    }

    /** The addresses one value takes: 1 bit, or 1, 2 or 4 registers. */
    int width() {
        return width;
    }

    boolean floatingPoint() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** Whether values of this type can live in {@code area}: bits in bit tables, the rest in registers. */
    boolean fits(MemoryArea area) {
        return (this == BOOLEAN) == area.bits();
    }

    /** The default for an area: BOOLEAN for coils and discrete inputs, UINT16 for registers. */
    static DataType defaultFor(MemoryArea area) {
        return area.bits() ? BOOLEAN : UINT16;
    }

    /** The type named {@code text}, any case; null when none matches. */
    static DataType parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT);
        for (DataType type : values()) {
            if (type.name().equals(name)) return type;
        }
        return null;
    }

    /**
     * The value held by {@code width()} registers (unsigned 16-bit words) from {@code offset}:
     * Integer for INT16, UINT16 and INT32, Long for UINT32 and INT64, Float, Double.
     */
    Object decode(int[] words, int offset, WordOrder order) {
        long bits = 0;
        for (int i = 0; i < width; i++) {
            int word = order == WordOrder.BIG_ENDIAN ? words[offset + i] : words[offset + width - 1 - i];
            bits = (bits << 16) | (word & 0xFFFF);
        }
        return switch (this) {
            case INT16 -> (int) (short) bits;
            case UINT16, INT32 -> (int) bits;
            case UINT32, INT64 -> bits;
            case FLOAT32 -> Float.intBitsToFloat((int) bits);
            case FLOAT64 -> Double.longBitsToDouble(bits);
            case BOOLEAN -> throw new IllegalStateException("bits are not decoded from registers");
        };
    }

    /**
     * The register words that hold {@code raw}: integers exactly, floating-point numbers rounded to
     * the nearest integer for the integer types, booleans as 1 or 0.
     *
     * @throws IllegalArgumentException when the value is no number or out of this type's range
     */
    int[] encode(Object raw, WordOrder order) {
        long bits = switch (this) {
            case FLOAT32 -> Float.floatToIntBits(toFloat(raw)) & 0xFFFF_FFFFL;
            case FLOAT64 -> Double.doubleToLongBits(toDouble(raw));
            case BOOLEAN -> throw new IllegalStateException("bits are not encoded as registers");
            default -> toInteger(raw);
        };
        int[] words = new int[width];
        for (int i = 0; i < width; i++) {
            int word = (int) (bits >>> (16 * (width - 1 - i))) & 0xFFFF;
            words[order == WordOrder.BIG_ENDIAN ? i : width - 1 - i] = word;
        }
        return words;
    }

    /** The state of a coil for {@code raw}: a Boolean, a number (not 0 = on) or true/false/on/off/1/0. */
    static boolean toBit(Object raw) {
        if (raw instanceof Boolean flag) return flag;
        if (raw instanceof String text) {
            String value = text.trim();
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("on") || value.equals("1")) return true;
            if (value.equalsIgnoreCase("false") || value.equalsIgnoreCase("off") || value.equals("0")) return false;
            throw new IllegalArgumentException("'" + text + "' is not on or off (true/false, 1/0, on/off)");
        }
        if (raw instanceof Number number) {
            double value = number.doubleValue();
            if (Double.isNaN(value)) throw new IllegalArgumentException("NaN is not on or off");
            return value != 0;
        }
        throw new IllegalArgumentException(describe(raw) + " is not on or off");
    }

    private long toInteger(Object raw) {
        Object value = number(raw);
        long result;
        if (value instanceof Long exact) {
            result = exact;
        } else {
            double number = (Double) value;
            double rounded = Math.rint(number);
            // (double) Long.MAX_VALUE rounds up to 2^63, so compare against 2^63 itself
            if (Double.isNaN(rounded) || rounded < min || rounded >= 0x1p63 || rounded > max) {
                throw outOfRange(format(number));
            }
            result = (long) rounded;
        }
        if (result < min || result > max) throw outOfRange(Long.toString(result));
        return result;
    }

    private float toFloat(Object raw) {
        double value = toDouble(raw);
        if (Math.abs(value) > Float.MAX_VALUE) throw outOfRange(format(value));
        return (float) value;
    }

    private double toDouble(Object raw) {
        Object value = number(raw);
        double number = value instanceof Long exact ? exact : (Double) value;
        if (Double.isNaN(number) || Double.isInfinite(number)) {
            throw new IllegalArgumentException(format(number) + " cannot be written as " + this);
        }
        return number;
    }

    /** A Long for integral values, a Double otherwise. */
    private Object number(Object raw) {
        if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof Number number) return number.doubleValue();
        if (raw instanceof Boolean flag) return flag ? 1L : 0L;
        if (raw instanceof String text) {
            String value = text.trim();
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException notIntegral) {
                try {
                    return Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "' is not a number for " + this);
                }
            }
        }
        throw new IllegalArgumentException(describe(raw) + " cannot be written as " + this);
    }

    private IllegalArgumentException outOfRange(String value) {
        String range = this == FLOAT32 ? "at most " + Float.MAX_VALUE + " in magnitude" : min + ".." + max;
        return new IllegalArgumentException(value + " is out of range for " + this + " (" + range + ")");
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    private static String describe(Object raw) {
        return raw == null ? "no value" : "a " + raw.getClass().getSimpleName();
    }
}
