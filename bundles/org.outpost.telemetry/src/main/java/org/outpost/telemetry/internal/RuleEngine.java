package org.outpost.telemetry.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.outpost.api.device.Alert;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.Rule;
import org.outpost.api.device.ValueType;
import org.outpost.api.device.Values;

/**
 * Evaluates edge rules on readings as they are taken: thresholds with duration and hysteresis raise
 * and clear alerts, deadbands hold back readings that barely changed, windows add min/max/avg.
 * Thread-safe; state of a rule survives a new rule list as long as the rule itself is unchanged.
 */
final class RuleEngine {

    /** What the engine adds to the stream: {@link Alert}s and aggregate {@link Reading}s. */
    interface Sink {
        void alert(Alert alert);

        void aggregate(Reading reading);
    }

    private Map<String, List<RuleState>> byChannel = Map.of(); // guarded by this
    private List<Rule> rules = List.of(); // guarded by this

    synchronized void setRules(List<Rule> newRules) {
        Map<String, RuleState> previous = new HashMap<>();
        for (List<RuleState> states : byChannel.values()) {
            for (RuleState state : states) previous.put(state.rule.name() + "\u0000" + state.rule.origin(), state);
        }
        Map<String, List<RuleState>> next = new HashMap<>();
        for (Rule rule : newRules) {
            RuleState kept = previous.get(rule.name() + "\u0000" + rule.origin());
            RuleState state = kept != null && kept.rule.equals(rule) ? kept : new RuleState(rule);
            next.computeIfAbsent(key(rule.device(), rule.channel()), k -> new ArrayList<>()).add(state);
        }
        byChannel = next;
        rules = List.copyOf(newRules);
    }

    synchronized List<Rule> rules() {
        return rules;
    }

    /**
     * Runs the rules of the reading's channel.
     *
     * @return whether the reading itself is worth forwarding (false when a deadband holds it back)
     */
    synchronized boolean accept(Reading reading, Sink sink) {
        List<RuleState> states = byChannel.get(key(reading.device(), reading.channel()));
        if (states == null) return true;
        boolean forward = true;
        for (RuleState state : states) {
            switch (state.rule.kind()) {
                case THRESHOLD -> state.threshold(reading, sink);
                case DEADBAND -> forward &= state.deadband(reading);
                case WINDOW -> state.window(reading, sink);
            }
        }
        return forward;
    }

    /** Closes windows that ended by {@code now} even when no reading came after them. */
    synchronized void tick(long now, Sink sink) {
        for (List<RuleState> states : byChannel.values()) {
            for (RuleState state : states) {
                if (state.windowStart >= 0 && now >= state.windowStart + state.rule.windowMillis()) {
                    state.closeWindow(sink);
                }
            }
        }
    }

    private static String key(String device, String channel) {
        return device + "/" + channel;
    }

    private static final class RuleState {
        final Rule rule;
        // threshold
        long conditionSince = -1;
        boolean active;
        // deadband
        boolean forwardedAny;
        double lastForwarded;
        Quality lastQuality;
        // window
        long windowStart = -1;
        double min;
        double max;
        double sum;
        long count;

        RuleState(Rule rule) {
            this.rule = rule;
        }

        void threshold(Reading reading, Sink sink) {
            if (reading.quality() == Quality.BAD) return;
            double value = reading.asDouble();
            if (Double.isNaN(value)) return;
            boolean beyond = rule.above() != null ? value > rule.above() : value < rule.below();
            if (active) {
                boolean back = rule.above() != null ? value <= rule.above() - rule.hysteresis()
                        : value >= rule.below() + rule.hysteresis();
                if (back) {
                    active = false;
                    conditionSince = -1;
                    sink.alert(new Alert(rule.name(), reading.device(), reading.channel(), reading.timestamp(), false, value,
                            rule.describe() + " cleared at " + Values.format(value)));
                }
                return;
            }
            if (!beyond) {
                conditionSince = -1;
                return;
            }
            if (conditionSince < 0) conditionSince = reading.timestamp();
            if (reading.timestamp() - conditionSince >= rule.forMillis()) {
                active = true;
                sink.alert(new Alert(rule.name(), reading.device(), reading.channel(), reading.timestamp(), true, value,
                        rule.describe() + ": " + Values.format(value)));
            }
        }

        boolean deadband(Reading reading) {
            if (reading.quality() != lastQuality || !forwardedAny) {
                remember(reading);
                return true;
            }
            double value = reading.asDouble();
            if (Double.isNaN(value) || Math.abs(value - lastForwarded) > rule.deadband()) {
                remember(reading);
                return true;
            }
            return false;
        }

        private void remember(Reading reading) {
            forwardedAny = true;
            lastQuality = reading.quality();
            lastForwarded = reading.asDouble();
        }

        void window(Reading reading, Sink sink) {
            if (reading.quality() == Quality.BAD) return;
            double value = reading.asDouble();
            if (Double.isNaN(value)) return;
            long length = rule.windowMillis();
            long start = Math.floorDiv(reading.timestamp(), length) * length;
            if (windowStart >= 0 && start != windowStart) closeWindow(sink);
            if (windowStart < 0) {
                windowStart = start;
                min = value;
                max = value;
                sum = 0;
                count = 0;
            }
            min = Math.min(min, value);
            max = Math.max(max, value);
            sum += value;
            count++;
        }

        void closeWindow(Sink sink) {
            if (count > 0) {
                long end = windowStart + rule.windowMillis();
                sink.aggregate(new Reading(rule.device(), rule.channel() + ".min", end, ValueType.DOUBLE, min, Quality.GOOD, ""));
                sink.aggregate(new Reading(rule.device(), rule.channel() + ".max", end, ValueType.DOUBLE, max, Quality.GOOD, ""));
                sink.aggregate(new Reading(rule.device(), rule.channel() + ".avg", end, ValueType.DOUBLE, sum / count, Quality.GOOD, ""));
            }
            windowStart = -1;
            count = 0;
        }
    }
}
