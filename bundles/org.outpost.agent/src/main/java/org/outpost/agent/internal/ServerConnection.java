package org.outpost.agent.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLException;

import org.outpost.security.CaPinningTrustManager;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * The node's one channel to its server: each attempt (one at a time, {@link ReconnectLoop}) gets
 * an identity, opens the TLS WebSocket and lives until the channel closes; then the next follows
 * after a jittered backoff. Only the channel the server has welcomed carries status, logs and
 * extensions' messages ({@link #send}). Also what {@code edge:status} shows of it: connected,
 * reconnects, when and why the channel was last lost.
 */
final class ServerConnection {
    /** How the connection is configured. */
    record Settings(URI server, long heartbeatMillis, boolean exitOnJoinRefusal) {
        int port() {
            return server.getPort() > 0 ? server.getPort() : 6443;
        }
    }

    /** Told on the channel's event loop that the welcomed channel is gone; {@code stopping} when the agent stops. */
    interface LinkLost {
        void lost(boolean stopping);
    }

    /** When and why the welcomed channel was last lost. */
    record ChannelLoss(Instant at, String reason) {
    }

    private final Settings settings;
    private final NodeJoin join;
    private final AgentConsole console;
    private final Backoff backoff;
    private final ObjectMapper json;
    private final EventLoopGroup io;
    private final Clock clock;
    /** Ends the process after a refused join (when so configured). */
    private final Runnable exit;
    private final ReconnectLoop reconnectLoop;
    private volatile AgentSession session;
    private volatile LinkLost linkLost;
    private volatile boolean stopped;
    /** The channel of the attempt under way, from TCP connect until it closes. */
    private volatile Channel channel;
    /** The channel the server has welcomed: only it carries status, logs and extensions' messages. */
    private volatile Channel welcomedChannel;
    private volatile Instant lastAcknowledged;
    private final AtomicLong welcomes = new AtomicLong();
    private volatile ChannelLoss lastLoss;
    /** Why the server last closed or refused the welcomed channel, until the channel is gone. */
    private volatile String closingReason;

    /** @param attempts runs the attempts and their waits */
    ServerConnection(Settings settings, NodeJoin join, AgentConsole console, Backoff backoff, ObjectMapper json,
            EventLoopGroup io, ScheduledExecutorService attempts, Clock clock, Runnable exit) {
        this.settings = settings;
        this.join = join;
        this.console = console;
        this.backoff = backoff;
        this.json = json;
        this.io = io;
        this.clock = clock;
        this.exit = exit;
        this.reconnectLoop = new ReconnectLoop(attempts, this::connect);
    }

    /** The first attempt, now; {@code session} takes the channels' messages. */
    void start(AgentSession session, LinkLost linkLost) {
        this.session = session;
        this.linkLost = linkLost;
        reconnectLoop.start();
    }

    /** A retry that waits out its backoff goes now (a server has just started in this JVM). */
    void now() {
        reconnectLoop.now();
    }

    /** No more attempts; the channel stays until {@link #closeChannel}. */
    void stop() {
        stopped = true;
        reconnectLoop.stop();
    }

    void closeChannel() {
        Channel open = channel;
        if (open != null) {
            open.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /** Sends a text frame on the welcomed channel; false when there is none. */
    boolean send(String text) {
        Channel open = welcomedChannel;
        if (open == null) {
            return false;
        }
        open.writeAndFlush(new TextWebSocketFrame(text));
        return true;
    }

    boolean isWelcomed(Channel candidate) {
        return welcomedChannel == candidate;
    }

    /** One attempt: make sure there is an identity for this server, then open the channel. */
    private void connect(long attempt) {
        if (stopped) {
            return;
        }
        try {
            openChannel(join.identity(), attempt);
        } catch (JoinRefusedException e) {
            if (settings.exitOnJoinRefusal()) {
                // a node started to join will not get in by retrying: a service manager shows the failure
                console.cannotJoin(e.getMessage());
                exit.run();
                return;
            }
            console.problem(e.getMessage());
            reconnectLoop.ended(attempt, Duration.ofMillis(Math.max(5000, settings.heartbeatMillis())));
        } catch (IOException | RuntimeException e) {
            console.unreachable("cannot reach server " + settings.server() + ": " + AgentConsole.describe(e));
            reconnectLoop.ended(attempt, backoff.next());
        }
    }

    private void openChannel(NodeIdentity identity, long attempt) throws SSLException {
        SslContext tls = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .keyManager(identity.key(), identity.certificate())
                .trustManager(CaPinningTrustManager.trustingOnly(identity.ca()))
                .build();
        String host = settings.server().getHost();
        int port = settings.port();
        URI ws = URI.create("wss://" + host + ":" + port + "/v1/agent/connect");
        AgentSession handling = session;
        Bootstrap bootstrap = new Bootstrap()
                .group(io)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(tls.newHandler(ch.alloc(), host, port))
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(1 << 20))
                                .addLast(new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(
                                        ws, WebSocketVersion.V13, null, false, new DefaultHttpHeaders(), 1 << 20)))
                                .addLast(new AgentChannelHandler(handling, json, settings.heartbeatMillis()));
                    }
                });
        bootstrap.connect(host, port).addListener(future -> {
            if (!future.isSuccess()) {
                console.unreachable("cannot reach server " + settings.server() + ": " + AgentConsole.describe(future.cause()));
                reconnectLoop.ended(attempt, backoff.next());
                return;
            }
            attached(((ChannelFuture) future).channel(), attempt);
        });
    }

    /** {@code open} is the channel of attempt {@code attempt}, until it closes. */
    void attached(Channel open, long attempt) {
        channel = open;
        open.closeFuture().addListener(closed -> channelClosed(open, attempt));
    }

    /** The attempt's channel is gone: clean up after it, then the next attempt follows. */
    private void channelClosed(Channel closed, long attempt) {
        boolean wasWelcomed = welcomedChannel == closed;
        if (wasWelcomed) {
            welcomedChannel = null;
        }
        if (channel == closed) {
            channel = null;
        }
        if (wasWelcomed) {
            LinkLost listener = linkLost;
            if (listener != null) {
                listener.lost(stopped);
            }
        }
        if (stopped) {
            return;
        }
        if (wasWelcomed) {
            String reason = closingReason == null ? "the connection closed" : closingReason;
            lastLoss = new ChannelLoss(clock.instant(), reason);
            console.channelLost(reason);
            backoff.reset();
        }
        closingReason = null;
        reconnectLoop.ended(attempt, backoff.next());
    }

    /**
     * The server welcomed the node on {@code welcoming}; false (and the channel closed) when that is
     * not the attempt under way (cannot happen with one attempt at a time) or the agent is stopping.
     */
    boolean welcomed(Channel welcoming) {
        if (welcoming != channel || stopped) {
            welcoming.close();
            return false;
        }
        welcomedChannel = welcoming;
        lastAcknowledged = clock.instant();
        backoff.reset();
        boolean first = welcomes.getAndIncrement() == 0;
        console.connected(first && !join.joinedInThisRun());
        return true;
    }

    void acknowledged() {
        lastAcknowledged = clock.instant();
    }

    void refused(String code, String message) {
        if ("forbidden".equals(code)) {
            join.refusedByServer();
        }
        closingReason = "refused by the server: " + message;
        console.problem("server refused this node: " + message);
    }

    void channelFailed(Throwable cause) {
        closingReason = "channel failed: " + AgentConsole.describe(cause);
        console.problem("channel to " + settings.server() + " failed: " + AgentConsole.describe(cause));
    }

    // what AgentState shows

    String serverUrl() {
        return settings.server().toString();
    }

    boolean connected() {
        return welcomedChannel != null;
    }

    long reconnects() {
        return Math.max(0, welcomes.get() - 1);
    }

    ChannelLoss lastLoss() {
        return lastLoss;
    }

    Instant lastAcknowledged() {
        return lastAcknowledged;
    }
}
