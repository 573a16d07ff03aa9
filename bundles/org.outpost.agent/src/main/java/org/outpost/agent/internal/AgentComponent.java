package org.outpost.agent.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import javax.net.ssl.SSLException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.AgentState;
import org.outpost.api.LocalNode;
import org.outpost.api.NodeUsage;
import org.outpost.api.ServerState;
import org.outpost.security.CaPinningTrustManager;
import org.outpost.security.ParsedJoinToken;
import org.outpost.workload.Assignment;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.WorkloadRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The agent role: joins the configured server once with a token, then keeps one TLS WebSocket
 * channel open with its node identity, sending heartbeats and reconnecting with jittered backoff.
 */
@Component(immediate = true, configurationPid = AgentComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AgentComponent.Config.class)
public class AgentComponent implements AgentState, AgentSession {
    static final String PID = "org.outpost.agent";
    private static final Logger LOG = LoggerFactory.getLogger(AgentComponent.class);

    @ObjectClassDefinition(name = "Outpost agent", description = "Connection of this node to its server")
    public @interface Config {
        @AttributeDefinition(description = "Server URL, e.g. https://127.0.0.1:6443")
        String serverUrl();

        @AttributeDefinition(description = "File holding the join token (needed until the node has an identity)")
        String tokenFile() default "";

        @AttributeDefinition(description = "Milliseconds between heartbeats", min = "100")
        long heartbeatMillis() default 2000;

        @AttributeDefinition(description = "Longest wait between reconnection attempts, in milliseconds", min = "100")
        long maxBackoffMillis() default 10000;

        @AttributeDefinition(description = "Milliseconds between checks that assigned workloads run as they should", min = "100")
        long workloadCheckMillis() default 2000;

        @AttributeDefinition(description = "Whether a refused join ends the node's process with a non-zero status"
                + " (so a service manager shows the failure) instead of trying again every few seconds")
        boolean exitOnJoinRefusal() default false;
    }

    @Reference
    private LocalNode node;

    /** Runtimes that arrive before activation wait here; guarded by itself. */
    private final List<WorkloadRuntime> runtimesBeforeStart = new ArrayList<>();
    private volatile WorkloadSupervisor workloads;
    private ScheduledExecutorService workloadWorker;
    private java.util.concurrent.ExecutorService workloadRemovals;
    /** Log reads block on the engine: never on the event loop or the workload worker. */
    private java.util.concurrent.ExecutorService logReaders;
    private final Map<Long, java.io.Closeable> logStreams = new java.util.concurrent.ConcurrentHashMap<>();

    /** How long "cannot reach the server" may last before the console hears of it. */
    private static final long UNREACHABLE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final ObjectMapper json = new ObjectMapper();
    private URI server;
    private Path tokenFile;
    private Path identityDir;
    private long heartbeatMillis;
    private EventLoopGroup io;
    private ScheduledExecutorService supervisor;
    private Backoff backoff;
    private HostStatus host;
    private volatile NodeUsage usage = NodeUsage.UNKNOWN;
    private volatile boolean stopped;
    private boolean exitOnJoinRefusal;
    private ReconnectLoop reconnectLoop;
    /** The channel of the attempt under way, from TCP connect until it closes. */
    private volatile Channel channel;
    /** The channel the server has welcomed: only it carries status, logs and extensions' messages. */
    private volatile Channel welcomedChannel;
    private volatile Instant lastAcknowledged;
    private volatile String lastError;
    private volatile boolean refusedByServer;
    private volatile long unreachableSinceNanos;
    private final AtomicLong lastRevision = new AtomicLong();
    private final AtomicLong welcomes = new AtomicLong();
    private volatile boolean joinedInThisRun;
    private volatile ChannelLoss lastLoss;
    /** Why the server last closed or refused the welcomed channel, until the channel is gone. */
    private volatile String closingReason;

    /** When and why the welcomed channel was last lost. */
    record ChannelLoss(Instant at, String reason) {
    }

    private final ServerExtensions extensions = new ServerExtensions();
    private org.osgi.framework.BundleContext bundleContext;

    @Activate
    void activate(Config config, org.osgi.framework.BundleContext context) {
        bundleContext = context;
        server = URI.create(config.serverUrl().trim());
        tokenFile = config.tokenFile().isBlank() ? null : Path.of(config.tokenFile().trim());
        identityDir = node.dataDir().resolve("agent");
        heartbeatMillis = config.heartbeatMillis();
        // a first retry within 0.1 s: on a server node the local agent often starts a moment before
        // the server listens; full jitter still spreads a fleet that lost its server
        backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(config.maxBackoffMillis()), RandomGenerator.getDefault());
        host = new HostStatus(Path.of("/proc"), node.dataDir());
        io = new NioEventLoopGroup(1, new DefaultThreadFactory("outpost-agent-io", true));
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("outpost-agent", true));
        executor.setRemoveOnCancelPolicy(true);
        supervisor = executor;
        supervisor.scheduleWithFixedDelay(() -> usage = host.read(), 0, heartbeatMillis, TimeUnit.MILLISECONDS);
        exitOnJoinRefusal = config.exitOnJoinRefusal();
        reconnectLoop = new ReconnectLoop(supervisor, this::connect);
        reconnectLoop.start();
        ScheduledThreadPoolExecutor workloadExecutor = new ScheduledThreadPoolExecutor(1,
                new DefaultThreadFactory("outpost-agent-workloads", true));
        workloadExecutor.setRemoveOnCancelPolicy(true);
        workloadWorker = workloadExecutor;
        workloadRemovals = java.util.concurrent.Executors.newSingleThreadExecutor(
                new DefaultThreadFactory("outpost-agent-removals", true));
        WorkloadSupervisor started = new WorkloadSupervisor(identityDir.resolve("assignments.json"), json, workloadWorker,
                workloadRemovals, java.time.Clock.systemUTC(), this::reportStatus);
        synchronized (runtimesBeforeStart) {
            runtimesBeforeStart.forEach(started::addRuntime);
            runtimesBeforeStart.clear();
            workloads = started;
        }
        started.start(config.workloadCheckMillis());
        logReaders = java.util.concurrent.Executors.newCachedThreadPool(new DefaultThreadFactory("outpost-agent-logs", true));
    }

    @Override
    public void logsRequested(JsonNode request) {
        long stream = request.path("stream").asLong();
        String id = request.path("id").asText("");
        int tail = request.path("tail").asInt(-1);
        boolean follow = request.path("follow").asBoolean(false);
        try {
            logReaders.execute(() -> readLogs(stream, id, tail, follow));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            endLogs(stream, "node " + node.name() + " is stopping");
        }
    }

    private void readLogs(long stream, String id, int tail, boolean follow) {
        WorkloadSupervisor supervising = workloads;
        Assignment assignment = supervising == null ? null : supervising.assignments().get(id);
        WorkloadRuntime runtime = assignment == null ? null : supervising.runtime(WorkloadRuntime.runtimeFor(assignment));
        if (runtime == null) {
            endLogs(stream, assignment == null ? "instance " + id + " is not assigned to node " + node.name()
                    : "node " + node.name() + " has no " + WorkloadRuntime.runtimeFor(assignment) + " runtime");
            return;
        }
        try {
            java.io.Closeable handle = runtime.logs(id, tail, follow, line -> sendLog(stream, line));
            if (follow) {
                logStreams.put(stream, handle);
            } else {
                handle.close();
                endLogs(stream, null);
            }
        } catch (IOException | RuntimeException e) {
            endLogs(stream, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    @Override
    public void logsStopped(long stream) {
        java.io.Closeable handle = logStreams.remove(stream);
        if (handle != null) {
            try {
                handle.close();
            } catch (IOException e) {
                LOG.debug("Closing log stream {}: {}", stream, e.toString());
            }
        }
    }

    private void sendLog(long stream, String line) {
        ObjectNode frame = json.createObjectNode();
        frame.put("type", "log");
        frame.put("stream", stream);
        frame.putArray("lines").add(line);
        sendFrame(frame);
    }

    private void endLogs(long stream, String error) {
        ObjectNode frame = json.createObjectNode();
        frame.put("type", "log-end");
        frame.put("stream", stream);
        if (error != null) {
            frame.put("error", error);
        }
        sendFrame(frame);
    }

    private void sendFrame(ObjectNode frame) {
        Channel open = welcomedChannel;
        if (open != null) {
            open.writeAndFlush(new TextWebSocketFrame(frame.toString()));
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMessageHandler(org.outpost.api.ServerMessageHandler handler, Map<String, Object> properties) {
        extensions.add(handler, properties);
    }

    void removeMessageHandler(org.outpost.api.ServerMessageHandler handler, Map<String, Object> properties) {
        extensions.remove(handler, properties);
    }

    @Override
    public boolean extensionMessage(String type, String message) {
        return extensions.dispatch(type, message);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRuntime(WorkloadRuntime runtime) {
        synchronized (runtimesBeforeStart) {
            if (workloads == null) {
                runtimesBeforeStart.add(runtime);
                return;
            }
        }
        workloads.addRuntime(runtime);
        LOG.info("Node {} can run {} workloads", node.name(), runtime.name());
    }

    void removeRuntime(WorkloadRuntime runtime) {
        synchronized (runtimesBeforeStart) {
            runtimesBeforeStart.remove(runtime);
            if (workloads == null) {
                return;
            }
        }
        workloads.removeRuntime(runtime);
    }

    /** Follow streams end with the channel that carried them. */
    private void closeLogStreams() {
        logStreams.keySet().forEach(this::logsStopped);
    }

    /** The supervisor's latest instance states to the server, when there is a channel. */
    private void reportStatus(List<InstanceStatus> instances) {
        Channel open = welcomedChannel;
        WorkloadSupervisor supervising = workloads;
        if (open == null || supervising == null) {
            return; // reportAgain() on the next welcome sends the current state
        }
        ObjectNode status = json.createObjectNode();
        status.put("type", "status");
        supervising.runtimeNames().forEach(status.putArray("runtimes")::add);
        status.set("instances", json.valueToTree(instances));
        try {
            open.writeAndFlush(new TextWebSocketFrame(json.writeValueAsString(status)));
        } catch (IOException e) {
            LOG.warn("Cannot encode the status report: {}", e.getMessage());
        }
    }

    /** What the node runs, for the shell and tests. */
    WorkloadSupervisor workloads() {
        return workloads;
    }

    @Deactivate
    void deactivate() {
        stopped = true;
        reconnectLoop.stop();
        extensions.linkDown();
        supervisor.shutdownNow();
        workloadWorker.shutdownNow();
        workloadRemovals.shutdownNow();
        logStreams.keySet().forEach(this::logsStopped);
        logReaders.shutdownNow();
        Channel open = channel;
        if (open != null) {
            open.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One attempt: make sure there is an identity for this server, then open the channel. */
    private void connect(long attempt) {
        if (stopped) {
            return;
        }
        try {
            NodeIdentity identity = identity();
            openChannel(identity, attempt);
        } catch (JoinRefusedException e) {
            if (exitOnJoinRefusal) {
                exitRefused(e.getMessage());
                return;
            }
            problem(e.getMessage());
            reconnectLoop.ended(attempt, Duration.ofMillis(Math.max(5000, heartbeatMillis)));
        } catch (IOException | RuntimeException e) {
            unreachable("cannot reach server " + server + ": " + describe(e));
            reconnectLoop.ended(attempt, backoff.next());
        }
    }

    /**
     * The node was started to join (not switched by hand in a running console): a refused join
     * will not succeed by retrying, so the process ends with a non-zero status and the reason,
     * and a service manager shows the failure. {@code --retry-join} keeps it trying instead.
     */
    private void exitRefused(String reason) {
        lastError = reason;
        LOG.warn("Node {} cannot join {}: {}", node.name(), server, reason);
        System.out.println("outpost: node " + node.name() + " cannot join " + server + ": " + reason
                + " (start with --retry-join to keep trying)");
        System.out.flush();
        Thread exit = new Thread(() -> System.exit(3), "outpost-join-refused-exit");
        exit.setDaemon(false);
        exit.start();
    }

    private NodeIdentity identity() throws JoinRefusedException, IOException {
        Optional<NodeIdentity> existing = NodeIdentity.load(identityDir);
        Optional<String> token = readToken();
        boolean tokenForSameCluster = token.flatMap(AgentComponent::caHashOf)
                .map(hash -> existing.map(id -> id.caHash().equals(hash)).orElse(false)).orElse(true);
        if (existing.isPresent() && tokenForSameCluster && !refusedByServer) {
            return existing.get();
        }
        if (token.isEmpty()) {
            throw new JoinRefusedException(existing.isPresent()
                    ? "the server no longer accepts this node's identity and no join token is configured"
                    : "no node identity yet and no join token configured (--token or --token-file)");
        }
        Files.createDirectories(identityDir);
        NodeIdentity joined = new Joiner(json).join(server, token.get(), node.name(), identityDir,
                existing.filter(id -> !refusedByServer));
        refusedByServer = false;
        joinedInThisRun = true;
        LOG.info("Node {} joined {}", node.name(), server);
        System.out.println("outpost: node " + node.name() + " joined " + server);
        return joined;
    }

    private Optional<String> readToken() throws IOException {
        if (tokenFile == null || !Files.isRegularFile(tokenFile)) {
            return Optional.empty();
        }
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private static Optional<String> caHashOf(String token) {
        try {
            return Optional.of(ParsedJoinToken.parse(token).caHash());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void openChannel(NodeIdentity identity, long attempt) throws SSLException {
        SslContext tls = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .keyManager(identity.key(), identity.certificate())
                .trustManager(CaPinningTrustManager.trustingOnly(identity.ca()))
                .build();
        URI ws = URI.create("wss://" + server.getHost() + ":" + port() + "/v1/agent/connect");
        int port = port();
        Bootstrap bootstrap = new Bootstrap()
                .group(io)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(tls.newHandler(ch.alloc(), server.getHost(), port))
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(1 << 20))
                                .addLast(new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(
                                        ws, WebSocketVersion.V13, null, false, new DefaultHttpHeaders(), 1 << 20)))
                                .addLast(new AgentChannelHandler(AgentComponent.this, json, heartbeatMillis));
                    }
                });
        bootstrap.connect(server.getHost(), port).addListener(future -> {
            if (!future.isSuccess()) {
                unreachable("cannot reach server " + server + ": " + describe(future.cause()));
                reconnectLoop.ended(attempt, backoff.next());
                return;
            }
            Channel open = ((io.netty.channel.ChannelFuture) future).channel();
            channel = open;
            open.closeFuture().addListener(closed -> channelClosed(open, attempt));
        });
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
            closeLogStreams();
            if (!stopped) {
                supervisor.execute(extensions::linkDown);
            }
        }
        if (stopped) {
            return;
        }
        if (wasWelcomed) {
            String reason = closingReason == null ? "the connection closed" : closingReason;
            lastLoss = new ChannelLoss(Instant.now(), reason);
            LOG.info("Node {} lost its channel to {} ({}); reconnecting", node.name(), server, reason);
            backoff.reset();
        }
        closingReason = null;
        reconnectLoop.ended(attempt, backoff.next());
    }

    private int port() {
        return server.getPort() > 0 ? server.getPort() : 6443;
    }

    /**
     * A server started in this JVM (this node's own, or after a role switch): a retry that is
     * waiting out its backoff goes now, so the local agent is Ready as soon as its server is.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindServerState(ServerState started) {
        ReconnectLoop loop = reconnectLoop;
        if (loop != null) {
            loop.now();
        }
    }

    void unbindServerState(ServerState gone) {
        // nothing to undo: the channel notices a server that goes away
    }

    /** A server that cannot be reached is reported once it has been so for a few seconds. */
    private void unreachable(String message) {
        long now = System.nanoTime();
        if (unreachableSinceNanos == 0) {
            unreachableSinceNanos = now;
        }
        if (now - unreachableSinceNanos >= UNREACHABLE_GRACE_NANOS) {
            problem(message);
        } else {
            LOG.debug("Node {}: {}", node.name(), message);
        }
    }

    /** Logs and prints a problem once per distinct message, so a down server does not flood the log. */
    private void problem(String message) {
        if (!message.equals(lastError)) {
            LOG.warn("Node {}: {}", node.name(), message);
            System.out.println("outpost: " + message);
        }
        lastError = message;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.split("\n")[0];
    }

    // AgentSession: called on the channel's event loop

    @Override
    public String version() {
        return node.version();
    }

    @Override
    public Map<String, String> labels() {
        return node.labels();
    }

    @Override
    public long lastRevision() {
        return lastRevision.get();
    }

    @Override
    public ObjectNode usageJson(ObjectMapper mapper) {
        NodeUsage u = usage;
        ObjectNode out = mapper.createObjectNode();
        out.put("cpus", u.cpus());
        out.put("cpuLoad", u.cpuLoad());
        out.put("memoryTotal", u.memoryTotal());
        out.put("memoryUsed", u.memoryUsed());
        out.put("diskTotal", u.diskTotal());
        out.put("diskFree", u.diskFree());
        out.put("uptimeSeconds", u.uptimeSeconds());
        return out;
    }

    @Override
    public List<String> runtimes() {
        WorkloadSupervisor supervising = workloads;
        return supervising == null ? List.of() : supervising.runtimeNames();
    }

    @Override
    public void assigned(JsonNode message) {
        lastRevision.accumulateAndGet(message.path("revision").asLong(), Math::max);
        WorkloadSupervisor supervising = workloads;
        if (supervising == null) {
            return;
        }
        try {
            List<Assignment> items = new ArrayList<>();
            for (JsonNode item : message.path("items")) {
                items.add(json.treeToValue(item, Assignment.class));
            }
            supervising.assigned(items);
        } catch (IOException e) {
            problem("server sent assignments this agent cannot read: " + e.getMessage());
        }
    }

    @Override
    public void welcomed(Channel welcoming, JsonNode welcome) {
        if (welcoming != channel || stopped) {
            welcoming.close(); // not the attempt under way (cannot happen with one attempt at a time)
            return;
        }
        welcomedChannel = welcoming;
        unreachableSinceNanos = 0;
        lastAcknowledged = Instant.now();
        lastRevision.accumulateAndGet(welcome.path("revision").asLong(), Math::max);
        backoff.reset();
        boolean first = welcomes.getAndIncrement() == 0;
        if (lastError != null || (first && !joinedInThisRun)) {
            System.out.println("outpost: node " + node.name() + " connected to " + server);
        }
        lastError = null;
        LOG.info("Node {} connected to {}", node.name(), server);
        WorkloadSupervisor supervising = workloads;
        if (supervising != null) {
            supervising.reportAgain();
        }
        supervisor.execute(() -> {
            if (welcomedChannel == welcoming) {
                extensions.linkUp(bundleContext, welcoming, node.name());
            }
        });
    }

    @Override
    public void sent(long seq) {
        // acknowledgements are tracked by time; the sequence number is for the server's metrics and tests
    }

    @Override
    public void acknowledged(long seq, long revision) {
        lastAcknowledged = Instant.now();
        lastRevision.accumulateAndGet(revision, Math::max);
    }

    @Override
    public void updated(JsonNode update) {
        lastRevision.accumulateAndGet(update.path("revision").asLong(), Math::max);
    }

    @Override
    public void refused(String code, String message) {
        if ("forbidden".equals(code)) {
            refusedByServer = true;
        }
        closingReason = "refused by the server: " + message;
        problem("server refused this node: " + message);
    }

    @Override
    public void warned(String message) {
        LOG.warn("Node {}: server: {}", node.name(), message);
        System.out.println("outpost: node " + node.name() + ": " + message);
    }

    @Override
    public void channelFailed(Throwable cause) {
        closingReason = "channel failed: " + describe(cause);
        problem("channel to " + server + " failed: " + describe(cause));
    }

    // AgentState

    @Override
    public String serverUrl() {
        return server.toString();
    }

    @Override
    public boolean connected() {
        return welcomedChannel != null;
    }

    @Override
    public long reconnects() {
        return Math.max(0, welcomes.get() - 1);
    }

    @Override
    public Instant lastDisconnected() {
        ChannelLoss loss = lastLoss;
        return loss == null ? null : loss.at();
    }

    @Override
    public String lastDisconnectReason() {
        ChannelLoss loss = lastLoss;
        return loss == null ? null : loss.reason();
    }

    @Override
    public Instant lastAcknowledged() {
        return lastAcknowledged;
    }

    @Override
    public String lastError() {
        return lastError;
    }
}
