package org.outpost.outbox.internal;

import java.util.concurrent.CompletableFuture;

/** One queued append; completes with its sequence number once the record is durable. */
final class AppendRequest extends CompletableFuture<Long> {

    final int priority;
    final byte[] payload;
    /** Given by the writer thread. */
    long seq;

    AppendRequest(int priority, byte[] payload) {
        this.priority = priority;
        this.payload = payload;
    }
}
