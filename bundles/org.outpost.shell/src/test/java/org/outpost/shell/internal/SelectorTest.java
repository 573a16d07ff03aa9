package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SelectorTest {

    private static final Map<String, String> NORTH_GPU = Map.of("zone", "north", "gpu", "true");
    private static final Map<String, String> SOUTH = Map.of("zone", "south");

    @Test
    void equalityInequalityExistence() {
        assertMatches("zone=north", true, false);
        assertMatches("zone==north", true, false);
        assertMatches("zone!=north", false, true);
        assertMatches("gpu", true, false);
        assertMatches("!gpu", false, true);
        assertMatches("zone=north,gpu=true", true, false);
        assertMatches(" zone = south ", false, true);
        assertMatches("zone=east", false, false);
        assertMatches(null, true, true);
        assertMatches("", true, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"zone=north,", ",", "=x", "zone=-x", "!", "bad key=x", "zone!=a b"})
    void refusesMalformedSelectors(String selector) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Selector.parse(selector));
        assertTrue(e.getMessage().startsWith("invalid selector \"" + selector + "\""), e.getMessage());
    }

    private static void assertMatches(String selector, boolean northGpu, boolean south) {
        Predicate<Map<String, String>> p = Selector.parse(selector);
        if (northGpu) {
            assertTrue(p.test(NORTH_GPU), selector);
        } else {
            assertFalse(p.test(NORTH_GPU), selector);
        }
        if (south) {
            assertTrue(p.test(SOUTH), selector);
        } else {
            assertFalse(p.test(SOUTH), selector);
        }
    }
}
