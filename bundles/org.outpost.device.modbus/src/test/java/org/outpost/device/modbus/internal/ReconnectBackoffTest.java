package org.outpost.device.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void waitsLongerAfterEachFailureUpToFiveSeconds() {
        ReconnectBackoff backoff = new ReconnectBackoff();
        assertNull(backoff.waiting(0), "nothing failed yet");
        long now = 1_000 * SECOND;
        long[] expectedMillis = {500, 1_000, 2_000, 4_000, 5_000, 5_000};
        for (long millis : expectedMillis) {
            backoff.failed("plc:502: connection refused", now);
            long delay = TimeUnit.MILLISECONDS.toNanos(millis);
            assertEquals("plc:502: connection refused (reconnecting in " + (millis + 999) / 1000 + "s)", backoff.waiting(now));
            assertTrue(backoff.waiting(now + delay - 1) != null, "still waiting just before " + millis + "ms");
            assertNull(backoff.waiting(now + delay), "may try after " + millis + "ms");
            now += delay;
        }
    }

    @Test
    void successStartsOver() {
        ReconnectBackoff backoff = new ReconnectBackoff();
        backoff.failed("x", 0);
        backoff.failed("x", 0);
        assertTrue(backoff.failing());
        backoff.succeeded();
        assertFalse(backoff.failing());
        assertNull(backoff.waiting(0));
        backoff.failed("y", 0);
        assertEquals("y (reconnecting in 1s)", backoff.waiting(0));
        assertNull(backoff.waiting(TimeUnit.MILLISECONDS.toNanos(500)));
    }
}
