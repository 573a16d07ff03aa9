package org.outpost.kura.internal.rest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The gateway's Kura REST port: TLS, HTTP/1.1, the credential on each request's head
 * ({@link CredentialGate}), then {@link RestHandler}. One event loop suffices.
 */
final class GatewayRestServer implements AutoCloseable {
    private final EventLoopGroup loop = new NioEventLoopGroup(1, new DefaultThreadFactory("outpost-kura-rest"));
    private final Channel serverChannel;

    GatewayRestServer(InetSocketAddress address, SslContext ssl, int maxRequestBytes, GatewayCredential credential,
            Function<String, RestResource> resources, ExecutorService workers) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("tls", ssl.newHandler(ch.alloc()))
                                .addLast("http", new HttpServerCodec())
                                .addLast("credential", new CredentialGate(credential))
                                .addLast("aggregate", new HttpObjectAggregator(maxRequestBytes))
                                .addLast("rest", new RestHandler(resources, workers));
                    }
                });
        // awaited rather than sync(): sync() rethrows a BindException unchecked, past the clean-up below
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            close();
            throw new IOException("cannot listen on " + address + ": " + bound.cause().getMessage(), bound.cause());
        }
        serverChannel = bound.channel();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
