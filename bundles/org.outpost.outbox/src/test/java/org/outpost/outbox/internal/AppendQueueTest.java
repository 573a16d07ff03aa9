package org.outpost.outbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/** Producers faster than the disk are refused at the queue's bound, not held in memory. */
class AppendQueueTest {

    @Test
    void appendsBeyondTheBoundAreRefusedAndCountedUntilTheWriterTakesThem() {
        AppendQueue queue = new AppendQueue(3, 1 << 20);
        for (int i = 0; i < 3; i++) assertNull(queue.offer(new AppendRequest(5, new byte[10])));
        IOException full = queue.offer(new AppendRequest(5, new byte[10]));
        assertNotNull(full);
        assertTrue(full.getMessage().contains("append queue is full (3 records"), full.getMessage());
        assertEquals(1, queue.refusedFull());
        assertEquals(3, queue.take(0).size());
        assertNull(queue.offer(new AppendRequest(5, new byte[10])), "room again once the writer took the group");
    }

    @Test
    void theBoundCountsBytesToo() {
        AppendQueue queue = new AppendQueue(1_000, 1_000);
        assertNull(queue.offer(new AppendRequest(5, new byte[800])));
        assertNotNull(queue.offer(new AppendRequest(5, new byte[800])), "two 800-byte records do not fit in 1000 bytes");
        assertEquals(1, queue.refusedFull());
    }
}
