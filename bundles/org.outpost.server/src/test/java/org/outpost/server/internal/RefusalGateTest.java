package org.outpost.server.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

class RefusalGateTest {

    @Test
    void nothingButTheCloseFrameFollowsTheRefusal() {
        Outbox outbox = new Outbox();
        RefusalGate gate = new RefusalGate();
        EmbeddedChannel channel = new EmbeddedChannel(outbox, gate);
        try {
            channel.writeAndFlush(new TextWebSocketFrame("before"));
            TextWebSocketFrame refusal = new TextWebSocketFrame("refused");
            gate.refuseWith(refusal);
            TextWebSocketFrame late = new TextWebSocketFrame("late");

            channel.writeAndFlush(refusal);
            ChannelFuture lateWrite = channel.writeAndFlush(late);
            channel.writeAndFlush(new CloseWebSocketFrame(4403, "refused"));

            assertEquals("before", text(outbox.next(TextWebSocketFrame.class, "the message written before")));
            assertEquals("refused", text(outbox.next(TextWebSocketFrame.class, "the refusal")));
            CloseWebSocketFrame close = outbox.next(CloseWebSocketFrame.class, "the close frame");
            assertEquals(4403, close.statusCode());
            close.release();
            assertTrue(outbox.isEmpty(), "the message written after the refusal was dropped");
            assertFalse(lateWrite.isSuccess(), "and its writer is told so");
            assertEquals(0, late.refCnt(), "and its buffer released");
        } finally {
            channel.finishAndReleaseAll();
            outbox.releaseAll();
        }
    }

    private static String text(TextWebSocketFrame frame) {
        try {
            return frame.content().toString(UTF_8);
        } finally {
            frame.release();
        }
    }
}
