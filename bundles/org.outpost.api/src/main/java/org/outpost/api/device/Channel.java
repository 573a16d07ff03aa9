package org.outpost.api.device;

import java.util.Map;
import java.util.Objects;

/**
 * One value of a device: what it is called, whether it is read or written, its type after scaling
 * ({@code value = raw * scale + offset}), how often it is polled (or whether the driver pushes it,
 * {@code listen}), and the driver's own keys for it (e.g. Modbus {@code memory.area}).
 *
 * @param pollMillis poll interval; ignored when {@code listen}
 * @param driverConfig driver-specific keys without the {@code <channel>#} prefix
 */
public record Channel(String name, ChannelMode mode, ValueType valueType, double scale, double offset,
        String unit, long pollMillis, boolean listen, boolean enabled, Map<String, String> driverConfig) {

    /** Poll interval when a channel names none. */
    public static final long DEFAULT_POLL_MILLIS = 1_000;
    /** The shortest poll interval a channel may ask for. */
    public static final long MIN_POLL_MILLIS = 10;

    public Channel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(valueType, "valueType");
        unit = unit == null ? "" : unit;
        driverConfig = Map.copyOf(driverConfig == null ? Map.of() : driverConfig);
    }

    /** Whether raw values are changed on the way in (and back on the way out). */
    public boolean scaled() {
        return scale != 1.0 || offset != 0.0;
    }

    /** A driver-specific key, or {@code fallback}. */
    public String driverValue(String key, String fallback) {
        return driverConfig.getOrDefault(key, fallback);
    }
}
