package org.outpost.agent.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

import org.osgi.framework.BundleContext;
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
import org.outpost.api.ServerMessageHandler;
import org.outpost.api.ServerState;
import org.outpost.workload.WorkloadRuntime;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The agent role: joins the configured server once with a token, then keeps one TLS WebSocket
 * channel open with its node identity, sending heartbeats and reconnecting with jittered backoff.
 * This component only wires the parts that do so: {@link ServerConnection} (identity, attempts,
 * the channel), {@link ChannelSession} (the channel's messages), {@link RuntimeTracker} (runtimes
 * and the workload supervisor), {@link LogRelay} and {@link ServerExtensions}.
 */
@Component(immediate = true, configurationPid = AgentComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AgentComponent.Config.class)
public class AgentComponent implements AgentState {
    static final String PID = "org.outpost.agent";

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

    private final ObjectMapper json = AgentJson.mapper();
    private final ServerExtensions extensions = new ServerExtensions();
    /** Made before activation: runtimes may be bound first, and wait in it. */
    private final RuntimeTracker runtimes = new RuntimeTracker(() -> node.name(), json, this::send);
    private volatile ServerConnection connection;
    private AgentConsole console;
    private ChannelSession session;
    private LogRelay logs;
    private EventLoopGroup io;
    private ScheduledExecutorService supervisor;
    private ScheduledExecutorService workloadWorker;
    private ExecutorService workloadRemovals;

    @Activate
    void activate(Config config, BundleContext context) {
        URI server = URI.create(config.serverUrl().trim());
        Path tokenFile = config.tokenFile().isBlank() ? null : Path.of(config.tokenFile().trim());
        Path identityDir = node.dataDir().resolve("agent");
        long heartbeatMillis = config.heartbeatMillis();
        console = new AgentConsole(node.name(), server, System.out, System::nanoTime);
        // a first retry within 0.1 s: on a server node the local agent often starts a moment before
        // the server listens; full jitter still spreads a fleet that lost its server
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(config.maxBackoffMillis()), RandomGenerator.getDefault());
        HostStatus host = new HostStatus(Path.of("/proc"), node.dataDir());
        AtomicReference<NodeUsage> usage = new AtomicReference<>(NodeUsage.UNKNOWN);
        io = new NioEventLoopGroup(1, new DefaultThreadFactory("outpost-agent-io", true));
        supervisor = singleThread("outpost-agent");
        supervisor.scheduleWithFixedDelay(() -> usage.set(host.read()), 0, heartbeatMillis, TimeUnit.MILLISECONDS);
        ServerConnection started = new ServerConnection(
                new ServerConnection.Settings(server, heartbeatMillis, config.exitOnJoinRefusal()),
                new NodeJoin(server, tokenFile, identityDir, node.name(), json, console), console, backoff, json, io,
                supervisor, Clock.systemUTC(), AgentComponent::exitAfterRefusedJoin);
        connection = started;
        logs = new LogRelay(runtimes, this::send, Executors.newCachedThreadPool(new DefaultThreadFactory("outpost-agent-logs", true)),
                node.name(), json);
        session = new ChannelSession(node, started, runtimes, logs, extensions, context, usage::get, json,
                console, supervisor);
        started.start(session, session);
        workloadWorker = singleThread("outpost-agent-workloads");
        workloadRemovals = Executors.newSingleThreadExecutor(new DefaultThreadFactory("outpost-agent-removals", true));
        WorkloadSupervisor workloads = new WorkloadSupervisor(identityDir.resolve("assignments.json"), json, workloadWorker,
                workloadRemovals, Clock.systemUTC(), runtimes::report);
        runtimes.start(workloads);
        workloads.start(config.workloadCheckMillis());
    }

    @Deactivate
    void deactivate() {
        connection.stop();
        extensions.linkDown();
        supervisor.shutdownNow();
        workloadWorker.shutdownNow();
        workloadRemovals.shutdownNow();
        logs.stop();
        connection.closeChannel();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static ScheduledExecutorService singleThread(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory(name, true));
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** Ends the process with status 3 from a thread of its own (not from a thread the shutdown waits for). */
    private static void exitAfterRefusedJoin() {
        Thread exit = new Thread(() -> System.exit(3), "outpost-join-refused-exit");
        exit.setDaemon(false);
        exit.start();
    }

    private void send(String frame) {
        ServerConnection open = connection;
        if (open != null) {
            open.send(frame);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMessageHandler(ServerMessageHandler handler, Map<String, Object> properties) {
        extensions.add(handler, properties);
    }

    void removeMessageHandler(ServerMessageHandler handler, Map<String, Object> properties) {
        extensions.remove(handler, properties);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRuntime(WorkloadRuntime runtime) {
        runtimes.addRuntime(runtime);
    }

    void removeRuntime(WorkloadRuntime runtime) {
        runtimes.removeRuntime(runtime);
    }

    /**
     * A server started in this JVM (this node's own, or after a role switch): a retry that is
     * waiting out its backoff goes now, so the local agent is Ready as soon as its server is.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindServerState(ServerState started) {
        ServerConnection open = connection;
        if (open != null) {
            open.now();
        }
    }

    void unbindServerState(ServerState gone) {
        // nothing to undo: the channel notices a server that goes away
    }

    /** What the node runs, for the shell and tests. */
    WorkloadSupervisor workloads() {
        return runtimes.supervisor();
    }

    // AgentState

    @Override
    public String serverUrl() {
        return connection.serverUrl();
    }

    @Override
    public boolean connected() {
        return connection.connected();
    }

    @Override
    public long reconnects() {
        return connection.reconnects();
    }

    @Override
    public Instant lastDisconnected() {
        ServerConnection.ChannelLoss loss = connection.lastLoss();
        return loss == null ? null : loss.at();
    }

    @Override
    public String lastDisconnectReason() {
        ServerConnection.ChannelLoss loss = connection.lastLoss();
        return loss == null ? null : loss.reason();
    }

    @Override
    public Instant lastAcknowledged() {
        return connection.lastAcknowledged();
    }

    @Override
    public long lastRevision() {
        return session.lastRevision();
    }

    @Override
    public String lastError() {
        return console.lastError();
    }
}
