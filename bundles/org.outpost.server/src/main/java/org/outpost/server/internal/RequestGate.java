package org.outpost.server.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.outpost.api.ErrorCode;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Decides on a request's head, before any body is gathered, whether it may go on: the admin
 * credential for admin paths, the client certificate for the agent channel, the join rate and size
 * for {@code /v1/join}. A refused request is answered with a JSON error at once, its body dropped
 * unread, and the connection closed. It also bounds what a connection nobody vouched for may hold:
 * such connections are counted ({@link UnauthenticatedConnections}), must send each request within
 * the header timeout, and may not stay idle longer than that. One per connection, on its event loop.
 */
final class RequestGate extends ChannelDuplexHandler {
    static final String NEEDS_ADMIN = "this endpoint needs the admin credential: Authorization: Bearer <contents of server/admin-token>";

    private final ServerContext server;
    private final HttpsLimits limits;
    private final UnauthenticatedConnections unauthenticated;
    private final JoinRateLimiter joinRate;

    private boolean counted;
    private boolean overCapacity;
    /** A client certificate or the admin credential was shown: the connection no longer counts as unauthenticated. */
    private boolean authenticated;
    private boolean certified;
    /** The rest of a refused request is dropped. */
    private boolean discarding;
    /** Body bytes the current request may still carry before it is refused; negative when unbounded here. */
    private long bodyAllowance = -1;
    private int inFlight;
    /** Set with a 429 refusal: when the source may join again. */
    private long retryAfterSeconds;
    private ScheduledFuture<?> deadline;

    RequestGate(ServerContext server, HttpsLimits limits, UnauthenticatedConnections unauthenticated, JoinRateLimiter joinRate) {
        this.server = server;
        this.limits = limits;
        this.unauthenticated = unauthenticated;
        this.joinRate = joinRate;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        switch (unauthenticated.admit()) {
            case SERVE -> counted = true;
            case REFUSE_WITH_503 -> {
                counted = true;
                overCapacity = true;
            }
            case CLOSE -> {
                server.metrics().httpConnectionsRefused.increment();
                ctx.close();
                return;
            }
        }
        arm(ctx, limits.headerTimeout());
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess() && hasClientCertificate(ctx)) {
            // an agent: the certificate chain was checked against the cluster CA during the handshake
            certified = true;
            authenticate();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
        if (message instanceof HttpRequest request) {
            cancelDeadline();
            inFlight++;
            discarding = false;
            retryAfterSeconds = 0;
            bodyAllowance = -1;
            if (!request.decoderResult().isSuccess()) {
                ctx.fireChannelRead(message); // the router answers 400 and closes
                return;
            }
            ApiResponse refusal = admit(ctx, request);
            if (refusal != null) {
                refuse(ctx, refusal, message);
                return;
            }
            if (!authenticated) {
                bodyAllowance = HttpsLimits.MAX_UNAUTHENTICATED_REQUEST_BYTES;
                // the body of a request nobody vouched for must follow its head within the header timeout
                if (!(request instanceof LastHttpContent)) {
                    arm(ctx, limits.headerTimeout());
                }
            }
        } else if (message instanceof HttpContent content) {
            if (discarding) {
                ReferenceCountUtil.release(message);
                return;
            }
            if (bodyAllowance >= 0) {
                bodyAllowance -= content.content().readableBytes();
                if (bodyAllowance < 0) {
                    refuse(ctx, tooLarge(), message);
                    return;
                }
            }
            if (content instanceof LastHttpContent) {
                cancelDeadline();
            }
        }
        ctx.fireChannelRead(message);
    }

    /** The refusal for this request head, or null when it may go on. */
    private ApiResponse admit(ChannelHandlerContext ctx, HttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals(HttpRouter.AGENT_PATH)) {
            if (!certified) {
                return ApiResponse.error(ErrorCode.UNAUTHORIZED, "the agent channel needs the node's client certificate; join with a token first");
            }
            // a WebSocket from here on, with its own idle handling: nothing more to gate
            cancelDeadline();
            ctx.pipeline().remove(this);
            return null;
        }
        if (overCapacity && !authenticated) {
            server.metrics().httpConnectionsRefused.increment();
            return ApiResponse.error(ErrorCode.UNAVAILABLE, "the server has " + unauthenticated.limit()
                    + " connections that have not authenticated, its limit; try again shortly");
        }
        if (path.equals("/healthz")) {
            return null;
        }
        if (path.equals("/v1/join")) {
            return admitJoin(ctx, request);
        }
        if (!server.admin().accepts(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            return ApiResponse.error(ErrorCode.UNAUTHORIZED, NEEDS_ADMIN);
        }
        authenticate();
        return null;
    }

    private ApiResponse admitJoin(ChannelHandlerContext ctx, HttpRequest request) {
        if (HttpUtil.getContentLength(request, -1L) > HttpsLimits.MAX_UNAUTHENTICATED_REQUEST_BYTES) {
            return tooLarge();
        }
        if (!request.method().equals(HttpMethod.POST)) {
            return null; // the API answers 405
        }
        String source = sourceOf(ctx);
        JoinRateLimiter.Decision decision = joinRate.tryAcquire(source);
        if (decision.allowed()) {
            return null;
        }
        server.metrics().joinsRateLimited.increment();
        retryAfterSeconds = decision.retryAfterSeconds();
        return ApiResponse.error(ErrorCode.TOO_MANY_REQUESTS, "too many joins from " + source + " (limit "
                + limits.joinsPerMinute() + " a minute, " + limits.joinBurst() + " at once); try again in "
                + decision.retryAfterSeconds() + " s");
    }

    private static ApiResponse tooLarge() {
        return ApiResponse.error(413, "request_too_large", "a request without the admin credential may carry at most "
                + HttpsLimits.MAX_UNAUTHENTICATED_REQUEST_BYTES / 1024 + " KiB");
    }

    /** Answers at once, drops what is left of the request and closes the connection. */
    private void refuse(ChannelHandlerContext ctx, ApiResponse refusal, Object message) {
        ReferenceCountUtil.release(message);
        discarding = true;
        cancelDeadline();
        FullHttpResponse http = HttpRouter.toHttp(refusal);
        http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (retryAfterSeconds > 0) {
            http.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) throws Exception {
        if (message instanceof LastHttpContent && !(message instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            // a response is complete: the connection waits for its next request from now
            promise = promise.unvoid().addListener(written -> {
                inFlight = Math.max(0, inFlight - 1);
                if (inFlight == 0 && ctx.channel().isActive()) {
                    arm(ctx, authenticated ? limits.idleTimeout() : limits.headerTimeout());
                }
            });
        }
        ctx.write(message, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelDeadline();
        releaseCount();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
        releaseCount();
    }

    private void authenticate() {
        authenticated = true;
        releaseCount();
    }

    private void releaseCount() {
        if (counted) {
            counted = false;
            unauthenticated.release();
        }
    }

    private void arm(ChannelHandlerContext ctx, Duration timeout) {
        cancelDeadline();
        deadline = ctx.executor().schedule(() -> {
            server.metrics().httpTimeouts.increment();
            ctx.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private static boolean hasClientCertificate(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return false;
        }
        try {
            return ssl.engine().getSession().getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }

    /** The join rate is kept per address; IPv6 per /64, the block one host usually has. */
    static String sourceOf(ChannelHandlerContext ctx) {
        if (!(ctx.channel().remoteAddress() instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return String.valueOf(ctx.channel().remoteAddress());
        }
        InetAddress address = inet.getAddress();
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        }
        return address.getHostAddress();
    }
}
