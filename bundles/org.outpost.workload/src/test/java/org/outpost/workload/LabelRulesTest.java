package org.outpost.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

class LabelRulesTest {
    private static final String PREFIX_253 = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61);

    @ParameterizedTest
    @ValueSource(strings = {"zone", "a", "Z9", "a.b_c-d", "example.com/gpu", "kubernetes.io/hostname", "x/y"})
    void validKeys(String key) {
        assertEquals(Optional.empty(), LabelRules.keyProblem(key));
    }

    @Test
    void keysAtTheirLimits() {
        assertEquals(253, PREFIX_253.length());
        assertEquals(Optional.empty(), LabelRules.keyProblem(PREFIX_253 + "/" + "n".repeat(63)));
        assertEquals(Optional.of("the name must be at most 63 characters"), LabelRules.keyProblem("n".repeat(64)));
        assertTrue(LabelRules.keyProblem("a" + PREFIX_253 + "/n").orElseThrow().contains("at most 253 characters"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/x", "x/", "Example.com/x", "a_b.com/x", "a..b/x", "-a.com/x", "a/b/c", "-zone", "zone.",
        "zo ne", "zo:ne", "zöne"})
    void invalidKeys(String key) {
        assertTrue(LabelRules.keyProblem(key).isPresent(), key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "north", "V1.2_x-y", "1"})
    void validValues(String value) {
        assertEquals(Optional.empty(), LabelRules.valueProblem(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-north", "north_", "a b", "a/b", "north-", ".", "wärme"})
    void invalidValues(String value) {
        assertTrue(LabelRules.valueProblem(value).isPresent(), value);
    }

    @Test
    void valuesAtTheirLimit() {
        assertEquals(Optional.empty(), LabelRules.valueProblem("v".repeat(63)));
        assertEquals(Optional.of("must be at most 63 characters"), LabelRules.valueProblem("v".repeat(64)));
    }

    @Test
    void aHugeValueIsRefusedQuicklyWithoutBeingRepeated() {
        String huge = "v".repeat(600 * 1024);
        List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> LabelRules.problems(Map.of("notes", huge)));
        assertEquals(List.of("invalid value \"vvvvvvvvvvvvvvvvvvvv…\" (614400 characters) for label notes: must be at most 63 characters"),
                problems);
        String hugeKey = "k".repeat(600 * 1024);
        String keyProblem = LabelRules.problems(Map.of(hugeKey, "v")).get(0);
        assertTrue(keyProblem.length() < 200, keyProblem);
    }

    @Test
    void atMostSixtyFourLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < LabelRules.MAX_LABELS; i++) {
            labels.put("l" + i, "v");
        }
        LabelRules.check(labels);
        labels.put("one-more", "v");
        OutpostException e = assertThrows(OutpostException.class, () -> LabelRules.check(labels));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertEquals("65 labels; an object has at most 64", e.getMessage());
    }

    @Test
    void checkNamesEveryProblem() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("ok", "fine");
        labels.put("-bad", "v");
        labels.put("zone", "a b");
        OutpostException e = assertThrows(OutpostException.class, () -> LabelRules.check(labels));
        assertEquals("invalid label key \"-bad\": the name must start and end with a letter or digit and contain only letters,"
                + " digits, '-', '_' and '.'\ninvalid value \"a b\" for label zone: must be empty or start and end with a letter"
                + " or digit and contain only letters, digits, '-', '_' and '.'", e.getMessage());
    }
}
