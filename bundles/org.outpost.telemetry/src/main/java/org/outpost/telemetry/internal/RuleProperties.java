package org.outpost.telemetry.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleKind;

/**
 * A rule's configuration properties (from Config Admin, the server's push or the server-rules
 * file) read as a {@link RuleConfiguration}. Values keep their meaning whatever their type: a
 * number may come as a Number or as text, a duration as milliseconds or as text like {@code 5s};
 * an absent or blank value is a missing one. Each accessor refuses a value it cannot read with an
 * {@link IllegalArgumentException} in the words users already know ({@code rule: device missing},
 * {@code above: 'x' is not a number}).
 */
record RuleProperties(Map<String, ?> values) implements RuleConfiguration {

    /**
     * The rule these properties describe, checked.
     *
     * @throws IllegalArgumentException naming the first unreadable value, or every problem of the rule
     */
    static Rule parse(Map<String, ?> values, String origin) {
        return rule(new RuleProperties(values), origin);
    }

    /** The rule a configuration describes; values are read in key order, so the first unreadable one is the one named. */
    static Rule rule(RuleConfiguration config, String origin) {
        Rule rule = new Rule(config.rule_name(), config.device(), config.channel(), config.kind(), config.above(),
                config.below(), config.for$(), config.hysteresis(), config.deadband(), config.window(), origin);
        List<String> problems = rule.problems();
        if (!problems.isEmpty()) throw new IllegalArgumentException("rule " + rule.name() + ": " + String.join("; ", problems));
        return rule;
    }

    @Override
    public String rule_name() {
        return required("rule.name");
    }

    @Override
    public String device() {
        return required("device");
    }

    @Override
    public String channel() {
        return required("channel");
    }

    @Override
    public RuleKind kind() {
        String kind = text("kind");
        return kind == null ? RuleKind.THRESHOLD : RuleKind.valueOf(kind.toUpperCase(Locale.ROOT));
    }

    @Override
    public Double above() {
        return number("above");
    }

    @Override
    public Double below() {
        return number("below");
    }

    @Override
    public long for$() {
        return millis("for");
    }

    @Override
    public double hysteresis() {
        Double value = number("hysteresis");
        return value == null ? 0 : value;
    }

    @Override
    public double deadband() {
        Double value = number("deadband");
        return value == null ? 0 : value;
    }

    @Override
    public long window() {
        return millis("window");
    }

    private String required(String key) {
        String value = text(key);
        if (value == null) throw new IllegalArgumentException("rule: " + key + " missing");
        return value;
    }

    /** The trimmed text of a value, null when it is absent or blank. */
    private String text(String key) {
        Object value = values.get(key);
        if (value == null || String.valueOf(value).isBlank()) return null;
        return String.valueOf(value).trim();
    }

    private Double number(String key) {
        Object value = values.get(key);
        if (value instanceof Number number) return number.doubleValue();
        String text = text(key);
        if (text == null) return null;
        try {
            return Double.valueOf(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a number");
        }
    }

    private long millis(String key) {
        Object value = values.get(key);
        if (value instanceof Number number) return number.longValue();
        return text(key) == null ? 0 : DeviceConfig.parseMillis(String.valueOf(value));
    }
}
