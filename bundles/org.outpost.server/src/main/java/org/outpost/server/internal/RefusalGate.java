package org.outpost.server.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Once an agent's refusal (the error frame) has gone out, no other message follows it on that
 * channel, only the close frame. Messages reach an agent from several threads (the session, store
 * watches, device rules, log streams); they pass this gate in the order the channel writes them,
 * so whatever was written after the refusal is dropped here.
 */
final class RefusalGate extends ChannelOutboundHandlerAdapter {
    private TextWebSocketFrame refusal;
    private boolean refused;

    /** The frame that refuses the agent: it passes, and it is the last message that does. */
    synchronized void refuseWith(TextWebSocketFrame frame) {
        if (refusal == null) {
            refusal = frame;
        }
    }

    // synchronized: on a real channel only the event loop writes, but an embedded one writes on the caller's thread
    @Override
    public synchronized void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (refused && msg instanceof TextWebSocketFrame) {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new IllegalStateException("the agent was refused; nothing follows the refusal"));
            return;
        }
        if (msg == refusal) {
            refused = true;
        }
        ctx.write(msg, promise);
    }
}
