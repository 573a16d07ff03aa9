package org.outpost.api.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An edge rule on one channel of one device, evaluated on the node that reads the device.
 *
 * @param above THRESHOLD: alert while the value is above this (null when {@code below} is used)
 * @param below THRESHOLD: alert while the value is below this
 * @param forMillis THRESHOLD: how long the condition must hold before the alert is raised
 * @param hysteresis THRESHOLD: how far back past the limit the value must come to clear the alert
 * @param deadband DEADBAND: the change that is worth forwarding
 * @param windowMillis WINDOW: the window length
 * @param origin {@code server} for rules the server pushed, {@code local} for rules made on the node
 */
public record Rule(String name, String device, String channel, RuleKind kind, Double above, Double below,
        long forMillis, double hysteresis, double deadband, long windowMillis, String origin) {

    public static final String ORIGIN_LOCAL = "local";
    public static final String ORIGIN_SERVER = "server";

    public Rule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(kind, "kind");
        origin = origin == null ? ORIGIN_LOCAL : origin;
    }

    /** Every problem with the rule, each one sentence; empty when it can be used. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!DeviceConfig.NAME_PATTERN.matcher(name).matches()) problems.add("'" + name + "' is not a rule name");
        if (!DeviceConfig.NAME_PATTERN.matcher(device).matches()) problems.add("'" + device + "' is not a device name");
        if (!DeviceConfig.NAME_PATTERN.matcher(channel).matches()) problems.add("'" + channel + "' is not a channel name");
        switch (kind) {
            case THRESHOLD -> {
                if ((above == null) == (below == null)) problems.add("a threshold rule needs exactly one of --above and --below");
                if (forMillis < 0) problems.add("--for must not be negative");
                if (hysteresis < 0 || Double.isNaN(hysteresis)) problems.add("--hysteresis must not be negative");
                if (above != null && !Double.isFinite(above) || below != null && !Double.isFinite(below)) {
                    problems.add("the limit must be a finite number");
                }
            }
            case DEADBAND -> {
                if (!(deadband > 0) || !Double.isFinite(deadband)) problems.add("--deadband must be a positive number");
            }
            case WINDOW -> {
                if (windowMillis < 100) problems.add("--window must be at least 100ms");
            }
        }
        return problems;
    }

    /** The rule as text for tables: {@code temp > 90 for 5s}. */
    public String describe() {
        return switch (kind) {
            case THRESHOLD -> channel + (above != null ? " > " + Values.format(above) : " < " + Values.format(below))
                    + (forMillis > 0 ? " for " + millis(forMillis) : "")
                    + (hysteresis > 0 ? " (hysteresis " + Values.format(hysteresis) + ")" : "");
            case DEADBAND -> channel + " changes by more than " + Values.format(deadband);
            case WINDOW -> channel + " min/max/avg every " + millis(windowMillis);
        };
    }

    private static String millis(long millis) {
        if (millis % 3_600_000 == 0) return millis / 3_600_000 + "h";
        if (millis % 60_000 == 0) return millis / 60_000 + "m";
        if (millis % 1_000 == 0) return millis / 1_000 + "s";
        return millis + "ms";
    }
}
