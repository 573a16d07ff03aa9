package org.outpost.api.device;

import java.util.Objects;

/**
 * An edge rule changed state: raised ({@code active}) when its condition held long enough, or
 * cleared when the value came back past the hysteresis.
 *
 * @param timestamp when the rule changed state (ms since the epoch)
 * @param value the reading that changed it
 */
public record Alert(String rule, String device, String channel, long timestamp, boolean active, double value,
        String message) {

    public Alert {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(channel, "channel");
        message = message == null ? "" : message;
    }
}
