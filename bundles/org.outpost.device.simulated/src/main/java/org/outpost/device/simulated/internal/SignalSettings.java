package org.outpost.device.simulated.internal;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.outpost.api.device.Channel;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.ValueType;
import org.outpost.api.device.Values;

/**
 * A simulated channel's keys, checked.
 *
 * @param signal null for a write-only channel that names none
 * @param constant the {@code value} key as typed (for CONSTANT), else null
 * @param failEvery every n-th read fails; 0 for never
 */
record SignalSettings(Signal signal, double min, double max, long periodMillis, String constant, long failEvery) {

    static final String SIGNAL = "signal";
    static final String MIN = "min";
    static final String MAX = "max";
    static final String PERIOD = "period";
    static final String VALUE = "value";
    static final String FAIL_EVERY = "fail.every";

    private static final Set<String> KEYS = Set.of(SIGNAL, MIN, MAX, PERIOD, VALUE, FAIL_EVERY);
    private static final long DEFAULT_PERIOD_MILLIS = 60_000;

    /**
     * The channel's settings; each problem is added to {@code problems} as one sentence naming the
     * key, and then the result is null.
     */
    static SignalSettings parse(Channel channel, List<String> problems) {
        int before = problems.size();
        String prefix = channel.name() + DeviceConfig.CHANNEL_SEPARATOR;
        for (String key : new TreeSet<>(channel.driverConfig().keySet())) {
            if (!KEYS.contains(key)) {
                problems.add(prefix + key + ": unknown key for the simulated driver (it takes "
                        + String.join(", ", List.of(SIGNAL, MIN, MAX, PERIOD, VALUE, FAIL_EVERY)) + ")");
            }
        }
        String signalText = channel.driverConfig().get(SIGNAL);
        Signal signal = null;
        if (signalText == null) {
            if (channel.mode().readable()) problems.add(prefix + SIGNAL + ": missing (one of " + Signal.NAMES + ")");
        } else {
            signal = Signal.named(signalText);
            if (signal == null) problems.add(prefix + SIGNAL + ": '" + signalText + "' is not one of " + Signal.NAMES);
        }
        double min = number(channel, prefix, MIN, 0, problems);
        double max = number(channel, prefix, MAX, 100, problems);
        if (min > max) problems.add(prefix + MIN + ": " + Values.format(min) + " is above max " + Values.format(max));

        long period = DEFAULT_PERIOD_MILLIS;
        String periodText = channel.driverConfig().get(PERIOD);
        if (periodText != null) {
            try {
                period = DeviceConfig.parseMillis(periodText);
                if (period <= 0) problems.add(prefix + PERIOD + ": must be longer than 0");
            } catch (IllegalArgumentException e) {
                problems.add(prefix + PERIOD + ": " + e.getMessage());
            }
        }

        String constant = channel.driverConfig().get(VALUE);
        if (signal == Signal.CONSTANT) {
            if (constant == null) {
                problems.add(prefix + VALUE + ": missing (a constant signal needs its value)");
            } else if (channel.valueType() != ValueType.STRING) {
                try {
                    Values.parse(channel.valueType() == ValueType.BOOLEAN ? ValueType.BOOLEAN : ValueType.DOUBLE, constant);
                } catch (IllegalArgumentException e) {
                    problems.add(prefix + VALUE + ": " + e.getMessage());
                }
            }
        }

        long failEvery = 0;
        String failText = channel.driverConfig().get(FAIL_EVERY);
        if (failText != null) {
            try {
                failEvery = Long.parseLong(failText.trim());
                if (failEvery < 1) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                problems.add(prefix + FAIL_EVERY + ": '" + failText + "' is not a whole number of reads (1 or more)");
            }
        }

        if (channel.mode().readable() && channel.valueType() == ValueType.BYTE_ARRAY) {
            problems.add(prefix + DeviceConfig.CH_VALUE_TYPE + ": the simulated driver does not produce BYTE_ARRAY values");
        }
        if (problems.size() > before) return null;
        return new SignalSettings(signal, min, max, period, signal == Signal.CONSTANT ? constant : null, failEvery);
    }

    private static double number(Channel channel, String prefix, String key, double fallback, List<String> problems) {
        String text = channel.driverConfig().get(key);
        if (text == null) return fallback;
        try {
            double value = Double.parseDouble(text.trim());
            if (Double.isFinite(value)) return value;
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(prefix + key + ": '" + text + "' is not a number");
        return fallback;
    }

    /** The interval at which a listening channel delivers: a tenth of the period, at least 100 ms. */
    long listenIntervalMillis() {
        return Math.max(100, periodMillis / 10);
    }
}
