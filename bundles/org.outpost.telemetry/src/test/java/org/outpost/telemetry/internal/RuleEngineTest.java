package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Alert;
import org.outpost.api.device.Reading;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleKind;

class RuleEngineTest {

    private final List<Alert> alerts = new ArrayList<>();
    private final List<Reading> aggregates = new ArrayList<>();
    private final RuleEngine.Sink sink = new RuleEngine.Sink() {
        @Override
        public void alert(Alert alert) {
            alerts.add(alert);
        }

        @Override
        public void aggregate(Reading reading) {
            aggregates.add(reading);
        }
    };

    private static Rule above(double limit, long forMillis, double hysteresis) {
        return new Rule("hot", "boiler", "temp", RuleKind.THRESHOLD, limit, null, forMillis, hysteresis, 0, 0, Rule.ORIGIN_LOCAL);
    }

    private static Reading temp(long at, double value) {
        return Reading.good("boiler", "temp", at, value);
    }

    @Test
    void thresholdRaisesOnlyAfterTheConditionHeldForItsDuration() {
        RuleEngine engine = new RuleEngine();
        engine.setRules(List.of(above(90, 5_000, 0)));
        engine.accept(temp(0, 91), sink);
        engine.accept(temp(4_000, 95), sink);
        assertTrue(alerts.isEmpty(), "not held for 5 s yet");
        engine.accept(temp(5_000, 92), sink);
        assertEquals(1, alerts.size());
        assertTrue(alerts.get(0).active());
        assertEquals(92, alerts.get(0).value());
        engine.accept(temp(6_000, 99), sink);
        assertEquals(1, alerts.size(), "raised once while it stays active");
    }

    @Test
    void aDipBelowTheLimitRestartsTheDuration() {
        RuleEngine engine = new RuleEngine();
        engine.setRules(List.of(above(90, 5_000, 0)));
        engine.accept(temp(0, 91), sink);
        engine.accept(temp(3_000, 89), sink);
        engine.accept(temp(4_000, 91), sink);
        engine.accept(temp(8_000, 91), sink);
        assertTrue(alerts.isEmpty(), "held 4 s since the dip");
        engine.accept(temp(9_000, 91), sink);
        assertEquals(1, alerts.size());
    }

    @Test
    void hysteresisKeepsTheAlertUntilTheValueIsWellBack() {
        RuleEngine engine = new RuleEngine();
        engine.setRules(List.of(above(90, 0, 2)));
        engine.accept(temp(0, 91), sink);
        assertEquals(1, alerts.size(), "no duration: raised at once");
        engine.accept(temp(1_000, 89), sink);
        engine.accept(temp(2_000, 88.5), sink);
        assertEquals(1, alerts.size(), "89 and 88.5 are within the hysteresis");
        engine.accept(temp(3_000, 88), sink);
        assertEquals(2, alerts.size());
        assertFalse(alerts.get(1).active());
        engine.accept(temp(4_000, 90.5), sink);
        assertEquals(3, alerts.size(), "raised again");
    }

    @Test
    void belowRulesMirrorAboveRules() {
        RuleEngine engine = new RuleEngine();
        engine.setRules(List.of(new Rule("cold", "boiler", "temp", RuleKind.THRESHOLD, null, 5.0, 0, 1, 0, 0, null)));
        engine.accept(temp(0, 6), sink);
        engine.accept(temp(1, 4.9), sink);
        engine.accept(temp(2, 5.5), sink);
        engine.accept(temp(3, 6), sink);
        assertEquals(2, alerts.size());
        assertTrue(alerts.get(0).active());
        assertFalse(alerts.get(1).active());
    }

    @Test
    void badReadingsNeitherRaiseNorClear() {
        RuleEngine engine = new RuleEngine();
        engine.setRules(List.of(above(90, 0, 0)));
        engine.accept(temp(0, 95), sink);
        engine.accept(Reading.bad("boiler", "temp", 1, "timeout"), sink);
        assertEquals(1, alerts.size());
    }

    @Test
    void deadbandForwardsOnlyChangesLargerThanIt() {
        RuleEngine engine = new RuleEngine();
        engine.setRules(List.of(new Rule("db", "boiler", "temp", RuleKind.DEADBAND, null, null, 0, 0, 0.5, 0, null)));
        assertTrue(engine.accept(temp(0, 20.0), sink), "the first reading always goes");
        assertFalse(engine.accept(temp(1, 20.4), sink));
        assertFalse(engine.accept(temp(2, 19.6), sink));
        assertTrue(engine.accept(temp(3, 20.6), sink), "0.6 from the last forwarded 20.0");
        assertFalse(engine.accept(temp(4, 20.9), sink), "0.3 from 20.6");
        assertTrue(engine.accept(Reading.bad("boiler", "temp", 5, "timeout"), sink), "a change of quality always goes");
        assertTrue(engine.accept(temp(6, 20.9), sink));
        assertTrue(engine.accept(Reading.good("boiler", "other", 7, 1.0), sink), "other channels are not affected");
    }

    @Test
    void windowsEmitMinMaxAndAverageOncePerWindow() {
        RuleEngine engine = new RuleEngine();
        engine.setRules(List.of(new Rule("w", "boiler", "temp", RuleKind.WINDOW, null, null, 0, 0, 0, 10_000, null)));
        engine.accept(temp(10_000, 1), sink);
        engine.accept(temp(15_000, 5), sink);
        engine.accept(temp(19_999, 3), sink);
        assertTrue(aggregates.isEmpty());
        engine.accept(temp(20_000, 100), sink);
        assertEquals(3, aggregates.size());
        assertEquals("temp.min", aggregates.get(0).channel());
        assertEquals(1.0, aggregates.get(0).value());
        assertEquals(5.0, aggregates.get(1).value());
        assertEquals(3.0, aggregates.get(2).value());
        assertEquals(20_000, aggregates.get(2).timestamp(), "stamped with the window's end");
        engine.tick(29_999, sink);
        assertEquals(3, aggregates.size());
        engine.tick(30_000, sink);
        assertEquals(6, aggregates.size(), "a quiet window is closed by the clock");
        assertEquals(100.0, aggregates.get(5).value());
    }

    @Test
    void anUnchangedRuleKeepsItsStateAcrossNewRuleLists() {
        RuleEngine engine = new RuleEngine();
        Rule rule = above(90, 5_000, 0);
        engine.setRules(List.of(rule));
        engine.accept(temp(0, 95), sink);
        engine.setRules(List.of(rule, new Rule("db", "x", "y", RuleKind.DEADBAND, null, null, 0, 0, 1, 0, null)));
        engine.accept(temp(5_000, 95), sink);
        assertEquals(1, alerts.size(), "the 5 s counted from before the new list");
        engine.setRules(List.of(above(90, 6_000, 0)));
        engine.accept(temp(6_000, 95), sink);
        assertEquals(1, alerts.size(), "a changed rule starts afresh");
    }
}
