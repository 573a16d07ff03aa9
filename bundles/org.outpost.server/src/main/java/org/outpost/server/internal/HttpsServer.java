package org.outpost.server.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import org.outpost.security.CaPinningTrustManager;
import org.outpost.security.CertifiedKey;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The server's one HTTPS port: TLS, HTTP/1.1, the {@link RequestGate} on each request's head (its
 * limits in {@link HttpsLimits}), then {@link HttpRouter}.
 */
final class HttpsServer implements AutoCloseable {
    /** HTTP/1.1 request line and header block bounds; a longer one is a 400. */
    static final int MAX_INITIAL_LINE_BYTES = 4096;
    static final int MAX_HEADER_BYTES = 8192;

    private final EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("outpost-https-accept"));
    private final EventLoopGroup io = new NioEventLoopGroup(2, new DefaultThreadFactory("outpost-https-io"));
    private final Channel serverChannel;

    HttpsServer(InetSocketAddress address, SslContext ssl, ServerContext context, HttpsLimits limits, Clock clock)
            throws IOException {
        AdminApi api = new AdminApi(context);
        UnauthenticatedConnections unauthenticated = new UnauthenticatedConnections(limits.maxUnauthenticatedConnections());
        JoinRateLimiter joinRate = new JoinRateLimiter(clock, limits.joinsPerMinute(), limits.joinBurst(),
                HttpsLimits.MAX_TRACKED_JOIN_SOURCES);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("tls", ssl.newHandler(ch.alloc()))
                                .addLast("http", new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, 8192))
                                .addLast("gate", new RequestGate(context, limits, unauthenticated, joinRate))
                                .addLast("aggregate", new JsonErrorAggregator(HttpsLimits.MAX_ADMIN_REQUEST_BYTES))
                                .addLast("router", new HttpRouter(context, api));
                    }
                });
        // awaited rather than sync(): sync() rethrows a BindException unchecked, past the clean-up below
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            close();
            throw new IOException(bound.cause().getMessage(), bound.cause());
        }
        serverChannel = bound.channel();
    }

    /** TLS with the server's certificate; a client certificate is optional and, if shown, must chain to the cluster CA. */
    static SslContext tls(CertifiedKey serverKey, X509Certificate ca) throws SSLException {
        return SslContextBuilder.forServer(serverKey.privateKey(), serverKey.certificate(), ca)
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .trustManager(CaPinningTrustManager.trustingOnly(ca))
                .clientAuth(ClientAuth.OPTIONAL)
                .build();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
