package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgesTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0s", "40, 40s", "59, 59s", "60, 1m", "299, 4m", "300, 5m", "3599, 59m", "3600, 1h",
        "10800, 3h", "86399, 23h", "86400, 1d", "172800, 2d", "31535999, 364d", "31536000, 1y",
        "94608000, 3y", "-1, 0s", "-3600, 0s"})
    void showsTheLargestWholeUnit(long seconds, String expected) {
        assertEquals(expected, Ages.format(Duration.ofSeconds(seconds)));
    }

    @Test
    void since() {
        Instant now = Instant.parse("2025-06-01T12:00:00Z");
        assertEquals("2d", Ages.since(now.minus(Duration.ofDays(2)).minusSeconds(7), now));
        assertEquals("<unknown>", Ages.since(null, now));
        assertEquals("<unknown>", Ages.format(null));
    }
}
