package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleConfig;
import org.outpost.api.device.RuleKind;

/** Rule properties read through the typed view: the same rules and the same refusals as the server and Kura read them. */
class RulePropertiesTest {

    private static Map<String, Object> props(Object... keysAndValues) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return map;
    }

    private static Map<String, Object> hot(Object... more) {
        Map<String, Object> map = props("rule.name", "hot", "device", "boiler", "channel", "temp");
        map.putAll(props(more));
        return map;
    }

    private static String refusal(Map<String, Object> properties) {
        return assertThrows(IllegalArgumentException.class, () -> RuleProperties.parse(properties, Rule.ORIGIN_LOCAL)).getMessage();
    }

    @Test
    void textAndNumbersMeanTheSame() {
        Rule fromText = RuleProperties.parse(hot("above", " 90.5 ", "for", "5s", "hysteresis", "1"), Rule.ORIGIN_LOCAL);
        Rule fromNumbers = RuleProperties.parse(hot("above", 90.5, "for", 5000L, "hysteresis", 1), Rule.ORIGIN_LOCAL);
        assertEquals(new Rule("hot", "boiler", "temp", RuleKind.THRESHOLD, 90.5, null, 5000, 1.0, 0, 0, Rule.ORIGIN_LOCAL), fromText);
        assertEquals(fromText, fromNumbers);
    }

    @Test
    void absentAndBlankValuesTakeTheirDefaults() {
        RuleConfiguration config = new RuleProperties(hot("kind", " ", "below", "", "above", "3"));
        assertEquals(RuleKind.THRESHOLD, config.kind());
        assertNull(config.below());
        assertEquals(0, config.for$());
        assertEquals(0.0, config.hysteresis());
        assertEquals(RuleKind.WINDOW, new RuleProperties(hot("kind", "window")).kind(), "the kind in any case");
        assertEquals(60_000, new RuleProperties(hot("window", "1m")).window());
    }

    @Test
    void missingAndUnreadableValuesAreRefusedInWords() {
        assertEquals("rule: rule.name missing", refusal(props("device", "boiler", "channel", "temp", "above", 1)));
        assertEquals("rule: device missing", refusal(props("rule.name", "hot", "device", " ", "channel", "temp")));
        assertEquals("rule: channel missing", refusal(props("rule.name", "hot", "device", "boiler")));
        assertEquals("above: 'warm' is not a number", refusal(hot("above", "warm")));
        assertEquals("'soon' is not a duration (e.g. 500ms, 5s, 2m)", refusal(hot("above", 1, "for", "soon")));
        assertEquals("rule hot: a threshold rule needs exactly one of --above and --below", refusal(hot()));
        assertEquals("rule hot: --deadband must be a positive number", refusal(hot("kind", "DEADBAND")));
    }

    @Test
    void readsEveryInputAsTheSharedParserDoes() {
        List<Map<String, Object>> inputs = List.of(
                hot("above", 90), hot("below", "-4.5", "for", "250ms", "hysteresis", 0.5),
                hot("kind", "deadband", "deadband", "0.2"), hot("kind", "WINDOW", "window", 1000L),
                hot("kind", "window", "window", "50"), hot("kind", "gauge"), hot("above", "x"), hot("above", 1, "window", "later"),
                props("device", "d"), props("rule.name", "bad name", "device", "d", "channel", "c", "above", 1),
                hot("above", 1, "below", 2), hot("above", Double.NaN));
        for (Map<String, Object> input : inputs) {
            assertEquals(outcome(() -> RuleConfig.parse(input, Rule.ORIGIN_SERVER)),
                    outcome(() -> RuleProperties.parse(input, Rule.ORIGIN_SERVER)), input.toString());
        }
    }

    private static String outcome(java.util.function.Supplier<Rule> parse) {
        try {
            return parse.get().toString();
        } catch (IllegalArgumentException e) {
            return "refused: " + e.getMessage();
        }
    }
}
