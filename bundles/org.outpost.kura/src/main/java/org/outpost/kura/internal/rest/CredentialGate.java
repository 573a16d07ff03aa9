package org.outpost.kura.internal.rest;

import org.outpost.api.ErrorCode;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * Checks the credential on a request's head, before its body is gathered: a client without the
 * credential gets 401 and the connection is closed, so it cannot make the gateway buffer an
 * upload (up to {@code maxRequestMiB}) first. One per connection.
 */
final class CredentialGate extends ChannelInboundHandlerAdapter {
    private final GatewayCredential credential;
    private boolean refusing;

    CredentialGate(GatewayCredential credential) {
        this.credential = credential;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof HttpRequest request && request.decoderResult().isSuccess()) {
            refusing = !credential.accepts(request.headers().get(HttpHeaderNames.AUTHORIZATION));
            if (refusing) {
                FullHttpResponse refused = RestHandler.toHttp(RestResponse.error(ErrorCode.UNAUTHORIZED,
                        "this gateway's admin credential is needed (Bearer token, or Basic user 'admin' with the token)"));
                refused.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"outpost\"");
                refused.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(refused).addListener(ChannelFutureListener.CLOSE);
            }
        }
        if (refusing) {
            ReferenceCountUtil.release(message); // the body of a refused request is dropped unread
            return;
        }
        ctx.fireChannelRead(message);
    }
}
