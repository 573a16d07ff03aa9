package org.outpost.api.device;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A rule as flat configuration properties (factory PID {@link DeviceService#RULE_FACTORY_PID}),
 * and back: {@code rule.name, device, channel, kind, above, below, for, hysteresis, deadband, window}
 * (durations as milliseconds or text like {@code 5s}).
 */
public final class RuleConfig {

    private RuleConfig() {
    }

    public static Map<String, Object> toProperties(Rule rule) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("rule.name", rule.name());
        properties.put("device", rule.device());
        properties.put("channel", rule.channel());
        properties.put("kind", rule.kind().name());
        if (rule.above() != null) properties.put("above", rule.above());
        if (rule.below() != null) properties.put("below", rule.below());
        properties.put("for", rule.forMillis());
        properties.put("hysteresis", rule.hysteresis());
        properties.put("deadband", rule.deadband());
        properties.put("window", rule.windowMillis());
        return properties;
    }

    /**
     * @throws IllegalArgumentException naming every problem
     */
    public static Rule parse(Map<String, ?> properties, String origin) {
        Rule rule = new Rule(required(properties, "rule.name"), required(properties, "device"), required(properties, "channel"),
                RuleKind.valueOf(text(properties, "kind", "THRESHOLD").toUpperCase(Locale.ROOT)),
                number(properties, "above"), number(properties, "below"),
                millis(properties, "for"), orZero(number(properties, "hysteresis")), orZero(number(properties, "deadband")),
                millis(properties, "window"), origin);
        List<String> problems = rule.problems();
        if (!problems.isEmpty()) throw new IllegalArgumentException("rule " + rule.name() + ": " + String.join("; ", problems));
        return rule;
    }

    /** A key without which there is no rule: refused as {@code rule: KEY missing}. */
    private static String required(Map<String, ?> properties, String key) {
        String value = text(properties, key, null);
        if (value == null) throw new IllegalArgumentException("rule: " + key + " missing");
        return value;
    }

    /** The trimmed text, or {@code fallback} when the key is absent or blank. */
    private static String text(Map<String, ?> properties, String key, String fallback) {
        Object value = properties.get(key);
        if (value == null || String.valueOf(value).isBlank()) return fallback;
        return String.valueOf(value).trim();
    }

    private static Double number(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        if (value == null || String.valueOf(value).isBlank()) return null;
        if (value instanceof Number number) return number.doubleValue();
        try {
            return Double.valueOf(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a number");
        }
    }

    private static long millis(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        if (value == null || String.valueOf(value).isBlank()) return 0;
        if (value instanceof Number number) return number.longValue();
        return DeviceConfig.parseMillis(String.valueOf(value));
    }

    private static double orZero(Double value) {
        return value == null ? 0 : value;
    }
}
