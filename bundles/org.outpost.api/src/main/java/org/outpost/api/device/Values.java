package org.outpost.api.device;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Moves values between a driver's raw form and a channel's typed, scaled form
 * ({@code value = raw * scale + offset}), and parses values users type.
 */
public final class Values {

    private Values() {
    }

    /**
     * A raw reading as its channel gives it: scaled and converted to the channel's type. A value that
     * does not fit the type (e.g. 3.0e10 for INTEGER) turns the reading BAD with the reason.
     */
    public static Reading toChannel(Channel channel, Reading raw) {
        if (raw.quality() == Quality.BAD) return raw;
        try {
            Object value = convert(channel, raw.value(), true);
            return raw.withValue(channel.valueType(), value);
        } catch (IllegalArgumentException e) {
            return new Reading(raw.device(), raw.channel(), raw.timestamp(), null, null, Quality.BAD, e.getMessage());
        }
    }

    /**
     * A channel value back in the driver's raw form: unscaled; numbers stay Double when the channel
     * is scaled (the driver rounds to its register type), otherwise they keep the channel's type.
     *
     * @throws IllegalArgumentException when the value does not fit the channel
     */
    public static Object toRaw(Channel channel, Object value) {
        if (!channel.scaled()) return convert(channel, value, false);
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("channel " + channel.name() + " takes a number");
        }
        return (number.doubleValue() - channel.offset()) / channel.scale();
    }

    /**
     * Parses what a user typed for a channel of this type.
     *
     * @throws IllegalArgumentException with a readable reason
     */
    public static Object parse(ValueType type, String text) {
        String value = text.trim();
        try {
            return switch (type) {
                case BOOLEAN -> {
                    if (value.equalsIgnoreCase("true") || value.equals("1") || value.equalsIgnoreCase("on")) yield Boolean.TRUE;
                    if (value.equalsIgnoreCase("false") || value.equals("0") || value.equalsIgnoreCase("off")) yield Boolean.FALSE;
                    throw new IllegalArgumentException("'" + text + "' is not a BOOLEAN (true/false, 1/0, on/off)");
                }
                case INTEGER -> Integer.valueOf(value);
                case LONG -> Long.valueOf(value);
                case FLOAT -> finite(Float.parseFloat(value), text);
                case DOUBLE -> finite(Double.parseDouble(value), text);
                case STRING -> text;
                case BYTE_ARRAY -> HexFormat.of().parseHex(value.startsWith("0x") ? value.substring(2) : value);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + article(type) + " " + type);
        }
    }

    /** A value as text for tables and JSON: byte arrays in hex, floating point without noise. */
    public static String format(Object value) {
        if (value == null) return "";
        if (value instanceof byte[] bytes) return HexFormat.of().formatHex(bytes);
        if (value instanceof Double d) return trim(String.format(Locale.ROOT, "%.6f", d));
        if (value instanceof Float f) return trim(String.format(Locale.ROOT, "%.4f", f));
        return String.valueOf(value);
    }

    private static Object convert(Channel channel, Object raw, boolean scale) {
        ValueType type = channel.valueType();
        if (type == ValueType.STRING) {
            return raw instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : format(raw);
        }
        if (type == ValueType.BYTE_ARRAY) {
            if (raw instanceof byte[]) return raw;
            if (raw instanceof String s) return s.getBytes(StandardCharsets.UTF_8);
            throw new IllegalArgumentException("a " + ValueType.of(raw) + " value does not fit BYTE_ARRAY channel " + channel.name());
        }
        double number;
        if (raw instanceof Number n) {
            number = n.doubleValue();
        } else if (raw instanceof Boolean b) {
            number = b ? 1 : 0;
        } else if (raw instanceof String s) {
            try {
                number = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                if (type == ValueType.BOOLEAN) return parse(type, s);
                throw new IllegalArgumentException("'" + s + "' is not a number for " + type + " channel " + channel.name());
            }
        } else {
            throw new IllegalArgumentException("a " + ValueType.of(raw) + " value does not fit " + type + " channel " + channel.name());
        }
        boolean exact = !(scale && channel.scaled()) && (raw instanceof Long || raw instanceof Integer
                || raw instanceof Short || raw instanceof Byte);
        if (scale) number = number * channel.scale() + channel.offset();
        return switch (type) {
            case BOOLEAN -> number != 0;
            case INTEGER -> {
                if (exact && raw instanceof Long l) {
                    if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) throw outOfRange(l, channel);
                    yield (int) (long) l;
                }
                double rounded = Math.rint(number);
                if (rounded < Integer.MIN_VALUE || rounded > Integer.MAX_VALUE || Double.isNaN(rounded)) throw outOfRange(number, channel);
                yield (int) rounded;
            }
            case LONG -> {
                if (exact) yield ((Number) raw).longValue();
                double rounded = Math.rint(number);
                if (rounded < Long.MIN_VALUE || rounded > Long.MAX_VALUE || Double.isNaN(rounded)) throw outOfRange(number, channel);
                yield (long) rounded;
            }
            case FLOAT -> (float) number;
            case DOUBLE -> number;
            default -> throw new IllegalStateException(type.name());
        };
    }

    private static IllegalArgumentException outOfRange(Object value, Channel channel) {
        return new IllegalArgumentException(format(value) + " is out of range for " + channel.valueType() + " channel " + channel.name());
    }

    private static <N extends Number> N finite(N value, String text) {
        if (Double.isNaN(value.doubleValue()) || Double.isInfinite(value.doubleValue())) {
            throw new NumberFormatException(text);
        }
        return value;
    }

    private static String article(ValueType type) {
        return type == ValueType.INTEGER ? "an" : "a";
    }

    private static String trim(String number) {
        if (number.indexOf('.') < 0) return number;
        int end = number.length();
        while (number.charAt(end - 1) == '0') end--;
        if (number.charAt(end - 1) == '.') end--;
        return number.substring(0, end);
    }
}
