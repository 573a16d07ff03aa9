package org.outpost.outbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.outpost.outbox.internal.OutboxTesting.payload;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.outbox.Outbox;

/**
 * The writer thread runs no foreign code but the actions chained to appends, which complete on it:
 * an Error thrown there stays with that action's own future and never ends the writer.
 */
class OutboxWriterErrorTest {

    @TempDir
    Path dir;

    @Test
    void anErrorInAnActionChainedToAnAppendLeavesTheWriterRunning() throws Exception {
        try (FileOutbox outbox = FileOutbox.open(dir, OutboxOptions.defaults())) {
            for (Error error : new Error[] {new StackOverflowError("deep"), new AssertionError("bug"),
                    new LinkageError("gone")}) {
                CompletableFuture<Void> chained = outbox.appendAsync(Outbox.PRIORITY_READING, payload("x"))
                        .thenAccept(seq -> {
                            throw error;
                        });
                chained.handle((ignored, failure) -> null).get(10, TimeUnit.SECONDS);
            }
            long before = outbox.stats().appended();
            outbox.append(Outbox.PRIORITY_READING, payload("after"));
            assertEquals(before + 1, outbox.stats().appended(), "the writer still appends");
        }
    }
}
