package org.outpost.api.device;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A device at the edge: its name (unique on the node), the driver that talks to it
 * ({@link DeviceDriver#TYPE_PROPERTY}), the driver's connection keys (e.g. {@code host},
 * {@code port}, {@code unit.id}) and its channels.
 */
public record Device(String name, String driver, Map<String, String> config, List<Channel> channels) {

    public Device {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(driver, "driver");
        config = Map.copyOf(config == null ? Map.of() : config);
        channels = List.copyOf(channels == null ? List.of() : channels);
    }

    /** The channel called {@code name}, or null. */
    public Channel channel(String name) {
        for (Channel channel : channels) {
            if (channel.name().equals(name)) return channel;
        }
        return null;
    }

    /** A connection key, or {@code fallback}. */
    public String value(String key, String fallback) {
        return config.getOrDefault(key, fallback);
    }
}
