package org.outpost.api.device;

import java.util.Objects;

/**
 * One value of one channel at one time. A BAD reading has no value and says why in
 * {@code reason}; GOOD and UNCERTAIN ones carry a value of {@code type} (Boolean, Integer, Long,
 * Float, Double, String or byte[]).
 *
 * @param timestamp milliseconds since the epoch, taken when the value was read
 */
public record Reading(String device, String channel, long timestamp, ValueType type, Object value,
        Quality quality, String reason) {

    public Reading {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(quality, "quality");
        if (quality != Quality.BAD) {
            Objects.requireNonNull(value, "value");
            if (type == null) type = ValueType.of(value);
            if (type == null) {
                throw new IllegalArgumentException("a reading cannot hold a " + value.getClass().getName());
            }
        }
        reason = reason == null ? "" : reason;
    }

    /** A value read just now; its type follows the value's class (see {@link ValueType#of}). */
    public static Reading good(String device, String channel, long timestamp, Object value) {
        return new Reading(device, channel, timestamp, null, value, Quality.GOOD, "");
    }

    /** A failed read. */
    public static Reading bad(String device, String channel, long timestamp, String reason) {
        return new Reading(device, channel, timestamp, null, null, Quality.BAD, reason);
    }

    /** The same reading with another value of another type (scaling, conversion). */
    public Reading withValue(ValueType type, Object value) {
        return new Reading(device, channel, timestamp, type, value, quality, reason);
    }

    /** The value as a double, for numeric and boolean values; NaN otherwise. */
    public double asDouble() {
        if (value instanceof Number number) return number.doubleValue();
        if (value instanceof Boolean flag) return flag ? 1 : 0;
        return Double.NaN;
    }
}
