package org.outpost.server.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.Channel;

/**
 * One agent channel's readings batches on their way to an acknowledgement. An acknowledgement that
 * must wait for the node's ingest budget ({@code throttledMillis}) is sent from the channel's event
 * loop when its time comes — no thread waits, and nothing but the small acknowledgement is held.
 * An agent keeps at most 4 batches unacknowledged; one that sends more than
 * {@link #MAX_UNACKNOWLEDGED} has its channel no longer read until acknowledgements catch up, so
 * TCP holds it back and the server's queues stay bounded.
 */
final class ReadingsPacer {
    /** Twice what the protocol lets an agent have in flight. */
    static final int MAX_UNACKNOWLEDGED = 8;

    private final Channel channel;
    private final Runnable paused;
    private final AtomicInteger unacknowledged = new AtomicInteger();

    ReadingsPacer(Channel channel, Runnable paused) {
        this.channel = channel;
        this.paused = paused;
    }

    /** A batch arrived (on the event loop, before it is queued for the worker). */
    void arrived() {
        if (unacknowledged.incrementAndGet() > MAX_UNACKNOWLEDGED && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
            paused.run();
        }
    }

    /** Sends the batch's acknowledgement now, or when its wait is over. */
    void acknowledge(ObjectNode ack, Consumer<ObjectNode> send) {
        long wait = ack.path("throttledMillis").asLong(0);
        if (wait <= 0) {
            send.accept(ack);
            settled();
            return;
        }
        channel.eventLoop().schedule(() -> {
            send.accept(ack);
            settled();
        }, wait, TimeUnit.MILLISECONDS);
    }

    /** The batch will not be acknowledged (it was refused). */
    void settled() {
        if (unacknowledged.decrementAndGet() <= MAX_UNACKNOWLEDGED && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    int unacknowledged() {
        return unacknowledged.get();
    }
}
