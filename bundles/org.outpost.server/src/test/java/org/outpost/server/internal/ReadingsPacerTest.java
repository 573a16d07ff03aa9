package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.embedded.EmbeddedChannel;

/** Acknowledgements sent when the budget allows; a channel with too many unacknowledged batches is no longer read. */
class ReadingsPacerTest {
    private final ObjectMapper json = new ObjectMapper();

    private ObjectNode ack(long batch, long throttledMillis) {
        ObjectNode ack = json.createObjectNode().put("type", "readings-ack").put("batch", batch);
        if (throttledMillis > 0) ack.put("throttledMillis", throttledMillis);
        return ack;
    }

    @Test
    void aThrottledAcknowledgementLeavesWhenItsWaitIsOver() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ReadingsPacer pacer = new ReadingsPacer(channel, () -> { });
        List<ObjectNode> sent = new ArrayList<>();
        pacer.arrived();
        pacer.arrived();
        pacer.acknowledge(ack(1, 0), sent::add);
        long start = System.nanoTime();
        pacer.acknowledge(ack(2, 200), sent::add);
        assertEquals(List.of(ack(1, 0)), sent, "the unthrottled one at once, the other not yet");
        Await.until("the throttled acknowledgement", () -> {
            channel.runScheduledPendingTasks();
            return sent.size() == 2;
        });
        assertTrue(System.nanoTime() - start >= 200_000_000L, "it waited its 200 ms");
        assertEquals(0, pacer.unacknowledged());
        channel.finishAndReleaseAll();
    }

    @Test
    void moreBatchesThanAllowedStopReadingUntilAcknowledgementsCatchUp() {
        EmbeddedChannel channel = new EmbeddedChannel();
        AtomicInteger paused = new AtomicInteger();
        ReadingsPacer pacer = new ReadingsPacer(channel, paused::incrementAndGet);
        for (int i = 0; i < ReadingsPacer.MAX_UNACKNOWLEDGED; i++) pacer.arrived();
        assertTrue(channel.config().isAutoRead(), "within the bound the channel is read");
        pacer.arrived();
        assertFalse(channel.config().isAutoRead(), "one batch too many: reading stops");
        assertEquals(1, paused.get());
        List<ObjectNode> sent = new ArrayList<>();
        pacer.acknowledge(ack(1, 0), sent::add);
        assertTrue(channel.config().isAutoRead(), "an acknowledgement later it is read again");
        pacer.settled();
        assertNull(channel.readOutbound());
        channel.finishAndReleaseAll();
    }
}
