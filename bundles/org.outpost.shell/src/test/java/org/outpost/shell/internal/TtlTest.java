package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TtlTest {

    @ParameterizedTest
    @CsvSource({"30s, 30", "15m, 900", "1h, 3600", "2d, 172800", "1h30m, 5400", "90M, 5400", " 1h , 3600"})
    void parsesNumbersWithUnits(String text, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), Ttl.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "none", "NONE", "never", "0s", "0h"})
    void zeroOrNoneMeansNoExpiry(String text) {
        assertNull(Ttl.parse(text));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "1", "h", "-1h", "1w", "1.5h", "abc", "1h 30m", "h1", "1hh", "+1h", "1y"})
    void refusesAnythingElseWithAReadableSentence(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ttl.parse(text));
        assertTrue(e.getMessage().startsWith("invalid TTL \""), e.getMessage());
        assertTrue(e.getMessage().contains("e.g. 30s, 15m, 1h, 2d"), e.getMessage());
    }

    @Test
    void refusesOverflow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ttl.parse("99999999999999999999d"));
        assertEquals("invalid TTL \"99999999999999999999d\": too long", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ttl.parse("9223372036854775807d"));
    }
}
