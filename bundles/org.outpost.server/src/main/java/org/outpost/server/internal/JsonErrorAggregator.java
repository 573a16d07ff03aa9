package org.outpost.server.internal;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Gathers a request's body up to the admin API's bound; a larger request is answered like every
 * other refusal, with a JSON error that names the bound (Netty's own answer has no body), and the
 * connection closes, since the rest of the body would otherwise be read as a next request.
 */
final class JsonErrorAggregator extends HttpObjectAggregator {
    private final int maxBytes;

    JsonErrorAggregator(int maxBytes) {
        super(maxBytes);
        this.maxBytes = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        FullHttpResponse refusal = HttpRouter.toHttp(ApiResponse.error(413, "request_too_large",
                "a request may carry at most " + maxBytes / 1024 + " KiB"));
        refusal.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
    }
}
