package org.outpost.server.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * The first handler of an {@link EmbeddedChannel}: takes every outbound message into a
 * thread-safe queue. The server writes responses and agent frames from worker and store-watch
 * threads, and an embedded channel's own outbound queue is not meant to be filled from one thread
 * while the test reads it on another; this queue is. Closes pass through, and are counted after
 * the channel has queued its inactive event, so a test that saw {@link #awaitClosed} may run the
 * channel's pending tasks.
 */
final class Outbox extends ChannelOutboundHandlerAdapter {
    private final BlockingQueue<Object> written = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        written.add(msg);
        promise.trySuccess();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        // nothing reaches the embedded channel's own buffer
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.close(promise);
        closed.countDown();
    }

    /** The next message written, within the deadline. */
    <T> T next(Class<T> type, String what) {
        Object message = Await.next(written, what);
        if (!type.isInstance(message)) {
            ReferenceCountUtil.release(message);
            throw new AssertionError("expected " + what + " as a " + type.getSimpleName() + " but got " + message);
        }
        return type.cast(message);
    }

    /** Waits until the channel has been closed, then delivers its inactive event on this thread. */
    void awaitClosed(EmbeddedChannel channel) {
        Await.latch(closed, "the channel is closed");
        channel.runPendingTasks();
    }

    boolean isEmpty() {
        return written.isEmpty();
    }

    void releaseAll() {
        Object message;
        while ((message = written.poll()) != null) {
            ReferenceCountUtil.release(message);
        }
    }
}
