package org.outpost.outbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InFlightTest {

    @Test
    void findsAndAcknowledgesAcrossWrapAroundAndGrowth() {
        InFlight inFlight = new InFlight();
        long seq = 100;
        // fill and drain partly so that the ring wraps, then grow it while wrapped
        for (int i = 0; i < 50; i++) inFlight.add(seq += 3);
        for (int i = 0; i < 40; i++) {
            assertTrue(inFlight.ack(0));
            inFlight.removeHead();
        }
        for (int i = 0; i < 200; i++) inFlight.add(seq += 3);
        assertEquals(210, inFlight.size());
        long first = inFlight.headSeq();
        assertEquals(first + 3 * 209, seq);
        for (int i = 0; i < 210; i++) assertEquals(i, inFlight.indexOf(first + 3L * i));
        assertEquals(-1, inFlight.indexOf(first + 1));
        assertEquals(-1, inFlight.indexOf(first - 3));

        assertTrue(inFlight.ack(5));
        assertFalse(inFlight.ack(5), "a repeated acknowledgement does nothing");
        assertEquals(1, inFlight.ackedCount());
        assertFalse(inFlight.headAcked());
        inFlight.ack(0);
        assertTrue(inFlight.headAcked());
        inFlight.removeHead();
        assertEquals(1, inFlight.ackedCount(), "the acknowledged head left, index 5 (now 4) stays");
        assertTrue(inFlight.isAcked(4));
    }
}
