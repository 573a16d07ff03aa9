package org.outpost.server.internal;

import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.Executor;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.security.NodeKeys;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * First handler after the HTTP codec: turns an agent's channel request into a WebSocket session
 * bound to the node named in its client certificate, and hands every other request to the
 * {@link AdminApi} on a worker thread (the API touches the store, which may fsync).
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String AGENT_PATH = "/v1/agent/connect";

    private final ServerContext server;
    private final AdminApi api;
    private Executor ordered;

    HttpRouter(ServerContext server, AdminApi api) {
        this.server = server;
        this.api = api;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ordered = new SerialExecutor(server.workers());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, false, ApiResponse.error(ErrorCode.INVALID_ARGUMENT, "malformed HTTP request"));
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (path.equals(AGENT_PATH)) {
            upgradeToAgentChannel(ctx, request);
            return;
        }
        String method = request.method().name();
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        byte[] body = ByteBufUtil.getBytes(request.content());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        long start = System.nanoTime();
        ordered.execute(() -> {
            ApiResponse response;
            try {
                response = api.handle(method, path, uri.parameters(), authorization, body);
            } catch (RuntimeException e) {
                response = ApiResponse.error(ErrorCode.INTERNAL, "internal error: " + e.getClass().getSimpleName());
            }
            server.metrics().observeRequest(AdminApi.route(method, path), System.nanoTime() - start);
            respond(ctx, keepAlive, response);
        });
    }

    private void upgradeToAgentChannel(ChannelHandlerContext ctx, FullHttpRequest request) {
        X509Certificate peer = peerCertificate(ctx);
        if (peer == null) {
            respond(ctx, false, ApiResponse.error(ErrorCode.UNAUTHORIZED,
                    "the agent channel needs the node's client certificate; join with a token first"));
            return;
        }
        String nodeName;
        try {
            nodeName = NodeKeys.nodeNameOf(peer);
        } catch (OutpostException e) {
            respond(ctx, false, ApiResponse.error(ErrorCode.FORBIDDEN, "client certificate is not a node identity"));
            return;
        }
        String address = ctx.channel().remoteAddress() instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() : "";
        ctx.pipeline().addAfter(ctx.name(), "agent-idle", new IdleStateHandler(server.agentIdleTimeoutSeconds(), 0, 0));
        ctx.pipeline().addAfter("agent-idle", "websocket", new WebSocketServerProtocolHandler(AGENT_PATH, null, false, 1 << 20));
        ctx.pipeline().addAfter("websocket", "agent-session",
                new AgentSessionHandler(server, nodeName, peer.getSerialNumber().toString(16), address));
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(request.retain());
    }

    private static X509Certificate peerCertificate(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    static FullHttpResponse toHttp(ApiResponse response) {
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        http.headers().set("X-Content-Type-Options", "nosniff");
        return http;
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, ApiResponse response) {
        FullHttpResponse http = toHttp(response);
        if (keepAlive) {
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(http);
        } else {
            ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
