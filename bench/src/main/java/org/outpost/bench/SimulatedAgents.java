package org.outpost.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLException;

import org.outpost.security.CaPinningTrustManager;
import org.outpost.security.NodeKeys;
import org.outpost.security.ParsedJoinToken;
import org.outpost.security.Pem;
import org.outpost.security.Secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * N simulated agents in one JVM, each speaking the real protocol over its own TLS connections:
 * its own EC key pair and CSR, {@code POST /v1/join} with the node token over TLS pinned to the
 * token's CA hash, then its own WebSocket on {@code /v1/agent/connect} with mutual TLS (the client
 * certificate the join returned), hello → welcome, and a heartbeat every interval starting at a
 * random offset. All connections share one Netty {@link NioEventLoopGroup} of two threads.
 * <p>
 * Once every agent is connected, heartbeat round trips (send → ack with the same seq) are measured
 * for a fixed window, together with the server JVM's CPU time, RSS and GC counters.
 *
 * <pre>
 * java -cp ... org.outpost.bench.SimulatedAgents --server https://127.0.0.1:6443 --token-file D/server/node-token
 *     [--admin-token-file D/server/admin-token] [--server-pid PID] [--agents 100] [--duration 60]
 *     [--heartbeat-ms 2000] [--join-parallelism 4] [--setup-timeout 1800] [--name-prefix sim] [--result FILE]
 * </pre>
 */
public final class SimulatedAgents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RING = 64;
    private static final int MAX_JOIN_ATTEMPTS = 8;

    /** Command-line settings. */
    static final class Options {
        URI server;
        Path tokenFile;
        Path adminTokenFile;
        long serverPid = -1;
        int agents = 100;
        int durationSeconds = 60;
        long heartbeatMillis = 2000;
        int joinParallelism = 4;
        int setupTimeoutSeconds = 1800;
        String namePrefix = "sim";
        Path result;
        long seed = 42;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + name + " needs a value");
                }
                String value = args[++i];
                switch (name) {
                    case "--server" -> o.server = URI.create(value);
                    case "--token-file" -> o.tokenFile = Path.of(value);
                    case "--admin-token-file" -> o.adminTokenFile = Path.of(value);
                    case "--server-pid" -> o.serverPid = Long.parseLong(value);
                    case "--agents" -> o.agents = Integer.parseInt(value);
                    case "--duration" -> o.durationSeconds = Integer.parseInt(value);
                    case "--heartbeat-ms" -> o.heartbeatMillis = Long.parseLong(value);
                    case "--join-parallelism" -> o.joinParallelism = Integer.parseInt(value);
                    case "--setup-timeout" -> o.setupTimeoutSeconds = Integer.parseInt(value);
                    case "--name-prefix" -> o.namePrefix = value;
                    case "--result" -> o.result = Path.of(value);
                    case "--seed" -> o.seed = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (o.server == null || o.tokenFile == null) {
                throw new IllegalArgumentException("--server URL and --token-file FILE are required");
            }
            if (o.agents < 1 || o.durationSeconds < 1 || o.heartbeatMillis < 10 || o.joinParallelism < 1) {
                throw new IllegalArgumentException("--agents, --duration, --heartbeat-ms and --join-parallelism must be positive");
            }
            return o;
        }
    }

    /** One simulated node. Fields after the join are touched only on its channel's event loop. */
    private static final class Agent {
        final int index;
        final String name;
        KeyPair keys;
        String csrPem;
        X509Certificate certificate;
        X509Certificate ca;
        volatile Channel channel;
        ScheduledFuture<?> heartbeats;
        long firstBeatNanos;
        long seq;
        final long[] sentSeq = new long[RING];
        final long[] sentAt = new long[RING];
        final CompletableFuture<Void> welcomed = new CompletableFuture<>();
        volatile boolean closing;

        Agent(int index, String name) {
            this.index = index;
            this.name = name;
        }
    }

    /** Nanosecond samples appended from both event loops. */
    private static final class Samples {
        private long[] values = new long[4096];
        private int count;

        synchronized void add(long value) {
            if (count == values.length) {
                values = java.util.Arrays.copyOf(values, values.length * 2);
            }
            values[count++] = value;
        }

        synchronized long[] sorted() {
            return Stats.sortedCopy(values, count);
        }
    }

    private final Options options;
    private final String token;
    private final String caHash;
    private final String host;
    private final int port;
    private final EventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory("sim-io", true));
    /** Builds per-agent TLS contexts and starts connections off the event loops. */
    private final ExecutorService setup = Executors.newSingleThreadExecutor(new DefaultThreadFactory("sim-setup", true));
    private final SslContext joinTls;
    private final List<Agent> agents = new ArrayList<>();

    // join phase
    private final Samples joinLatency = new Samples();
    private final AtomicInteger joinRetries = new AtomicInteger();
    private final Map<String, AtomicInteger> joinProblems = new ConcurrentHashMap<>();
    private final AtomicLong lastJoinDone = new AtomicLong();
    private final AtomicInteger joined = new AtomicInteger();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    // measurement window
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private final Samples rtt = new Samples();
    private final Samples rttDuringSetup = new Samples();
    private final Samples sendLag = new Samples();
    private final LongAdder sentInWindow = new LongAdder();
    private final LongAdder ackedInWindow = new LongAdder();
    private final LongAdder acksTotal = new LongAdder();
    private final LongAdder disconnects = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private final Map<String, String> lastServerError = new ConcurrentHashMap<>();

    SimulatedAgents(Options options) throws IOException {
        this.options = options;
        this.token = Files.readString(options.tokenFile, StandardCharsets.UTF_8).trim();
        this.caHash = ParsedJoinToken.parse(token).caHash();
        this.host = options.server.getHost();
        this.port = options.server.getPort() > 0 ? options.server.getPort() : 6443;
        this.joinTls = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .trustManager(new CaPinningTrustManager(caHash))
                .build();
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SimulatedAgents: " + e.getMessage());
            System.exit(2);
            return;
        }
        SimulatedAgents run = new SimulatedAgents(options);
        ObjectNode result;
        try {
            result = run.run();
        } finally {
            run.close();
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result);
        if (options.result != null) {
            Files.writeString(options.result, text, StandardCharsets.UTF_8);
        }
        System.out.println(text);
        System.exit(result.path("complete").asBoolean() ? 0 : 1);
    }

    ObjectNode run() throws Exception {
        ObjectNode out = JSON.createObjectNode();
        out.put("agents", options.agents);
        out.put("heartbeatMillis", options.heartbeatMillis);
        out.put("joinParallelism", options.joinParallelism);
        out.put("loadAverageStart", Proc.loadAverage());
        long clientCpuStart = Proc.cpuTicks(ProcessHandle.current().pid());

        // 1. Key pairs and CSRs (client-side work, kept out of the join timing).
        long t0 = System.nanoTime();
        for (int i = 0; i < options.agents; i++) {
            agents.add(new Agent(i, String.format(Locale.ROOT, "%s-%05d", options.namePrefix, i + 1)));
        }
        ExecutorService keygen = Executors.newFixedThreadPool(2, new DefaultThreadFactory("sim-keygen", true));
        try {
            List<CompletableFuture<Void>> keys = new ArrayList<>();
            for (Agent agent : agents) {
                keys.add(CompletableFuture.runAsync(() -> {
                    agent.keys = NodeKeys.generateKeyPair();
                    agent.csrPem = NodeKeys.createCsrPem(agent.keys, agent.name);
                }, keygen));
            }
            CompletableFuture.allOf(keys.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        } finally {
            keygen.shutdownNow();
        }
        out.put("keygenSeconds", (System.nanoTime() - t0) / 1e9);
        log("%d key pairs and CSRs in %.1f s", options.agents, (System.nanoTime() - t0) / 1e9);

        // 2. Join and connect, at most joinParallelism agents in flight (each: join, then its channel).
        long setupStart = System.nanoTime();
        long deadline = setupStart + TimeUnit.SECONDS.toNanos(options.setupTimeoutSeconds);
        Semaphore inFlight = new Semaphore(options.joinParallelism);
        CountDownLatch settled = new CountDownLatch(options.agents);
        boolean timedOut = false;
        int progressStep = Math.max(1, options.agents / 10);
        for (Agent agent : agents) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                timedOut = true;
                break;
            }
            joinAndConnect(agent, 1).whenComplete((ok, error) -> {
                if (error != null) {
                    failed.incrementAndGet();
                    failures.putIfAbsent(describe(error), agent.name);
                } else {
                    int n = connected.incrementAndGet();
                    if (n % progressStep == 0) {
                        log("%d/%d agents connected (%.1f s)", n, options.agents, (System.nanoTime() - setupStart) / 1e9);
                    }
                }
                inFlight.release();
                settled.countDown();
            });
        }
        if (!timedOut) {
            long left = deadline - System.nanoTime();
            timedOut = !settled.await(Math.max(0, left), TimeUnit.NANOSECONDS);
        }
        if (timedOut) {
            // Let the joins already in flight finish, so that none overlaps the measurement window.
            log("setup timed out after %d s; waiting for the agents in flight", options.setupTimeoutSeconds);
            if (inFlight.tryAcquire(options.joinParallelism, 120, TimeUnit.SECONDS)) {
                inFlight.release(options.joinParallelism);
            }
        }
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        double joinSeconds = (lastJoinDone.get() - setupStart) / 1e9;
        long[] joins = joinLatency.sorted();
        out.put("joined", joined.get());
        out.put("connected", connected.get());
        out.put("failed", failed.get());
        out.put("setupTimedOut", timedOut);
        out.put("joinSeconds", joinSeconds);
        out.put("joinsPerSecond", joined.get() / Math.max(joinSeconds, 1e-9));
        out.put("joinLatencyP50Ms", ms(Stats.percentile(joins, 50)));
        out.put("joinLatencyP99Ms", ms(Stats.percentile(joins, 99)));
        out.put("joinLatencyMaxMs", ms(Stats.percentile(joins, 100)));
        out.put("joinRetries", joinRetries.get());
        ObjectNode problems = out.putObject("joinProblems");
        new TreeMap<>(joinProblems).forEach((k, v) -> problems.put(k, v.get()));
        out.put("setupSeconds", setupSeconds);
        ObjectNode failureNode = out.putObject("failures");
        failures.forEach(failureNode::put);
        log("joined %d, connected %d, failed %d in %.1f s (joins: %.1f/s, p50 %.0f ms, %d retries)%s", joined.get(),
                connected.get(), failed.get(), setupSeconds, joined.get() / Math.max(joinSeconds, 1e-9),
                ms(Stats.percentile(joins, 50)), joinRetries.get(), timedOut ? " - setup timed out" : "");
        if (connected.get() == 0) {
            out.put("complete", false);
            return out;
        }

        // 3. Measurement window: heartbeats sent in [windowStart, windowEnd) count.
        Map<String, Double> gcBefore = options.serverPid > 0 ? Proc.gc(options.serverPid) : Map.of();
        long threadsBeforeNanos = System.nanoTime();
        Map<String, Double> threadsBefore = options.serverPid > 0 ? Proc.threadCpuMillis(options.serverPid) : Map.of();
        long serverTicksStart = options.serverPid > 0 ? Proc.cpuTicks(options.serverPid) : -1;
        long clientTicksStart = Proc.cpuTicks(ProcessHandle.current().pid());
        long start = System.nanoTime();
        windowStart = start;
        windowEnd = start + TimeUnit.SECONDS.toNanos(options.durationSeconds);
        log("measuring %d connected agents for %d s", connected.get(), options.durationSeconds);
        long disconnectsBefore = disconnects.sum();
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(windowEnd - System.nanoTime()));
        long serverTicksEnd = options.serverPid > 0 ? Proc.cpuTicks(options.serverPid) : -1;
        long clientTicksEnd = Proc.cpuTicks(ProcessHandle.current().pid());
        double wall = (System.nanoTime() - start) / 1e9;
        double serverRss = options.serverPid > 0 ? Proc.rssMiB(options.serverPid) : Double.NaN;
        double serverPeak = options.serverPid > 0 ? Proc.peakRssMiB(options.serverPid) : Double.NaN;
        long disconnectsInWindow = disconnects.sum() - disconnectsBefore;
        // Give the acknowledgements of the last heartbeats a moment to arrive.
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ackedInWindow.sum() < sentInWindow.sum() && System.nanoTime() < graceEnd) {
            Thread.sleep(50);
        }
        Map<String, Double> gcAfter = options.serverPid > 0 ? Proc.gc(options.serverPid) : Map.of();
        Map<String, Double> threadsAfter = options.serverPid > 0 ? Proc.threadCpuMillis(options.serverPid) : Map.of();
        double threadSpan = (System.nanoTime() - threadsBeforeNanos) / 1e9;

        long[] rtts = rtt.sorted();
        long[] setupRtts = rttDuringSetup.sorted();
        out.put("setupHeartbeatsAcked", setupRtts.length);
        out.put("setupRttP50Ms", ms(Stats.percentile(setupRtts, 50)));
        out.put("setupRttP99Ms", ms(Stats.percentile(setupRtts, 99)));
        out.put("setupRttMaxMs", ms(Stats.percentile(setupRtts, 100)));
        long[] lags = sendLag.sorted();
        out.put("windowSeconds", wall);
        out.put("heartbeatsSent", sentInWindow.sum());
        out.put("heartbeatsAcked", ackedInWindow.sum());
        out.put("heartbeatsExpected", (long) connected.get() * options.durationSeconds * 1000 / options.heartbeatMillis);
        out.put("rttP50Ms", ms(Stats.percentile(rtts, 50)));
        out.put("rttP90Ms", ms(Stats.percentile(rtts, 90)));
        out.put("rttP99Ms", ms(Stats.percentile(rtts, 99)));
        out.put("rttMaxMs", ms(Stats.percentile(rtts, 100)));
        out.put("sendLagP99Ms", ms(Stats.percentile(lags, 99)));
        out.put("sendLagMaxMs", ms(Stats.percentile(lags, 100)));
        out.put("disconnectsInWindow", disconnectsInWindow);
        out.put("serverErrors", serverErrors.sum());
        ObjectNode errors = out.putObject("serverErrorMessages");
        lastServerError.forEach(errors::put);
        long tck = Proc.clockTicksPerSecond();
        if (serverTicksStart >= 0 && serverTicksEnd >= 0) {
            out.put("serverCpuPercent", 100.0 * (serverTicksEnd - serverTicksStart) / tck / wall);
        }
        out.put("clientCpuPercent", 100.0 * (clientTicksEnd - clientTicksStart) / tck / wall);
        out.put("clientCpuSecondsTotal", (clientTicksEnd - clientCpuStart) / (double) tck);
        out.put("serverRssMiB", serverRss);
        out.put("serverPeakRssMiB", serverPeak);
        if (!gcBefore.isEmpty() && !gcAfter.isEmpty()) {
            out.put("serverYoungGcs", gcAfter.getOrDefault("YGC", 0.0) - gcBefore.getOrDefault("YGC", 0.0));
            out.put("serverFullGcs", gcAfter.getOrDefault("FGC", 0.0) - gcBefore.getOrDefault("FGC", 0.0));
            out.put("serverGcSeconds", gcAfter.getOrDefault("GCT", 0.0) - gcBefore.getOrDefault("GCT", 0.0));
            out.put("serverOldGenPercent", gcAfter.getOrDefault("O", Double.NaN));
        }
        if (!threadsBefore.isEmpty() && !threadsAfter.isEmpty()) {
            // Thread dumps bracket the window (plus the ack grace), so the span is a little longer than it.
            ObjectNode threads = out.putObject("serverThreadCpuPercent");
            out.put("serverThreadCpuSpanSeconds", threadSpan);
            threadsAfter.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), (e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0.0)) / 10 / threadSpan))
                    .filter(e -> e.getValue() >= 0.5)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(8)
                    .forEach(e -> threads.put(e.getKey(), Math.round(e.getValue() * 10) / 10.0));
        }
        out.put("loadAverageEnd", Proc.loadAverage());
        serverView(out);
        out.put("complete", !timedOut && failed.get() == 0);
        log("heartbeat RTT p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d acks (%d sent); server CPU %.1f%%, RSS %.0f MiB",
                ms(Stats.percentile(rtts, 50)), ms(Stats.percentile(rtts, 99)), ms(Stats.percentile(rtts, 100)),
                ackedInWindow.sum(), sentInWindow.sum(), out.path("serverCpuPercent").asDouble(Double.NaN), serverRss);
        return out;
    }

    /** What the server itself reports: nodes Ready and open agent channels. */
    private void serverView(ObjectNode out) {
        if (options.adminTokenFile == null) {
            return;
        }
        try {
            AdminClient admin = new AdminClient(options.server, token,
                    Files.readString(options.adminTokenFile, StandardCharsets.UTF_8).trim());
            admin.nodes(Duration.ofSeconds(30)).ifPresent(nodes -> out.put("serverReadySimulated",
                    nodes.values().stream().filter(n -> n.name().startsWith(options.namePrefix + "-") && n.ready()).count()));
            admin.metrics(Duration.ofSeconds(30)).ifPresent(m -> out.put("serverAgentConnections",
                    AdminClient.metric(m, "outpost_agent_connections")));
        } catch (Exception e) {
            out.put("serverViewError", e.toString());
        }
    }

    // ---- join ------------------------------------------------------------------------------

    private CompletableFuture<Void> joinAndConnect(Agent agent, int attempt) {
        return join(agent, attempt).thenCompose(ignored -> {
            CompletableFuture<Void> channel = new CompletableFuture<>();
            setup.execute(() -> {
                try {
                    connect(agent);
                    agent.welcomed.whenComplete((ok, error) -> {
                        if (error != null) {
                            channel.completeExceptionally(error);
                        } else {
                            channel.complete(null);
                        }
                    });
                } catch (Exception e) {
                    channel.completeExceptionally(e);
                }
            });
            return channel;
        });
    }

    /** POST /v1/join until it succeeds, retrying conflicts, overload and I/O errors with a short backoff. */
    private CompletableFuture<Void> join(Agent agent, int attempt) {
        ObjectNode request = JSON.createObjectNode();
        request.put("nodeName", agent.name);
        request.put("csr", agent.csrPem);
        request.put("token", token);
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        long sent = System.nanoTime();
        CompletableFuture<Void> done = new CompletableFuture<>();
        post("/v1/join", body).whenComplete((response, error) -> {
            String problem = null;
            boolean retry = false;
            if (error != null) {
                problem = "io: " + describe(error);
                retry = true;
            } else if (response.status() == 200) {
                try {
                    JsonNode json = JSON.readTree(response.body());
                    agent.certificate = Pem.decodeCertificates(json.path("certificate").asText()).get(0);
                    agent.ca = Pem.decodeCertificate(json.path("ca").asText());
                    if (!Secrets.sha256Hex(agent.ca.getEncoded()).equals(caHash)) {
                        throw new IOException("server returned a CA that does not match the token");
                    }
                } catch (Exception e) {
                    done.completeExceptionally(e);
                    return;
                }
                joinLatency.add(System.nanoTime() - sent);
                joined.incrementAndGet();
                lastJoinDone.accumulateAndGet(System.nanoTime(), Math::max);
                done.complete(null);
                return;
            } else {
                problem = "HTTP " + response.status();
                retry = response.status() == 409 || response.status() == 429 || response.status() >= 500;
            }
            joinProblems.computeIfAbsent(problem, p -> new AtomicInteger()).incrementAndGet();
            if (retry && attempt < MAX_JOIN_ATTEMPTS) {
                joinRetries.incrementAndGet();
                group.schedule(() -> join(agent, attempt + 1).whenComplete((ok, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                    } else {
                        done.complete(null);
                    }
                }), 200L * attempt, TimeUnit.MILLISECONDS);
            } else {
                String detail = error == null ? problem + " " + truncate(response.body()) : problem;
                done.completeExceptionally(new IOException("join of " + agent.name + " failed: " + detail));
            }
        });
        return done;
    }

    private record Response(int status, String body) {
    }

    /** One HTTPS request on its own connection (Connection: close), TLS pinned to the token's CA. */
    private CompletableFuture<Response> post(String path, byte[] body) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(joinTls.newHandler(ch.alloc(), host, port))
                                .addLast(new ReadTimeoutHandler(120))
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(1 << 20))
                                .addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                        result.complete(new Response(response.status().code(),
                                                response.content().toString(StandardCharsets.UTF_8)));
                                        ctx.close();
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                                        result.completeExceptionally(new IOException("connection closed before the response"));
                                        super.channelInactive(ctx);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        result.completeExceptionally(cause);
                                        ctx.close();
                                    }
                                });
                    }
                });
        bootstrap.connect(host, port).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                    Unpooled.wrappedBuffer(body));
            request.headers()
                    .set(HttpHeaderNames.HOST, host + ":" + port)
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            f.channel().writeAndFlush(request);
        });
        return result;
    }

    // ---- agent channel ---------------------------------------------------------------------

    /** Opens the agent's WebSocket with mutual TLS; {@link Agent#welcomed} completes on the welcome. */
    private void connect(Agent agent) throws SSLException {
        SslContext tls = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .keyManager(agent.keys.getPrivate(), agent.certificate)
                .trustManager(CaPinningTrustManager.trustingOnly(agent.ca))
                .build();
        URI ws = URI.create("wss://" + host + ":" + port + "/v1/agent/connect");
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
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
                                .addLast(new AgentHandler(agent));
                    }
                });
        bootstrap.connect(host, port).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                agent.welcomed.completeExceptionally(f.cause());
                return;
            }
            agent.channel = f.channel();
        });
    }

    private final class AgentHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final Agent agent;
        private final SplittableRandom random;

        AgentHandler(Agent agent) {
            this.agent = agent;
            this.random = new SplittableRandom(options.seed * 1_000_003L + agent.index);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"hello\",\"protocol\":1,\"version\":\"0.1.0\","
                        + "\"lastRevision\":0,\"labels\":{},\"usage\":" + usage(0) + "}"));
            } else if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                agent.welcomed.completeExceptionally(new IOException("WebSocket handshake timed out"));
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws IOException {
            long now = System.nanoTime();
            JsonNode message = JSON.readTree(frame.text());
            switch (message.path("type").asText("")) {
                case "ack" -> acknowledged(message.path("seq").asLong(), now);
                case "welcome" -> {
                    long offset = random.nextLong(options.heartbeatMillis * 1_000_000L);
                    agent.firstBeatNanos = now + offset;
                    agent.heartbeats = ctx.executor().scheduleAtFixedRate(() -> beat(ctx), offset,
                            options.heartbeatMillis * 1_000_000L, TimeUnit.NANOSECONDS);
                    agent.welcomed.complete(null);
                }
                case "error" -> {
                    serverErrors.increment();
                    String text = message.path("code").asText() + ": " + message.path("message").asText();
                    lastServerError.put(agent.name, text);
                    agent.welcomed.completeExceptionally(new IOException("server refused " + agent.name + ": " + text));
                }
                default -> {
                    // updates: nothing to do for a simulated node
                }
            }
        }

        private void beat(ChannelHandlerContext ctx) {
            long now = System.nanoTime();
            long seq = ++agent.seq;
            int slot = (int) (seq % RING);
            agent.sentSeq[slot] = seq;
            agent.sentAt[slot] = now;
            if (now >= windowStart && now < windowEnd) {
                sentInWindow.increment();
                sendLag.add(Math.max(0, now - (agent.firstBeatNanos + (seq - 1) * options.heartbeatMillis * 1_000_000L)));
            }
            ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"heartbeat\",\"seq\":" + seq + ",\"usage\":"
                    + usage(seq * options.heartbeatMillis / 1000) + "}"));
        }

        private void acknowledged(long seq, long now) {
            acksTotal.increment();
            int slot = (int) (seq % RING);
            if (seq <= 0 || agent.sentSeq[slot] != seq) {
                return;
            }
            long sent = agent.sentAt[slot];
            if (sent >= windowStart && sent < windowEnd) {
                rtt.add(now - sent);
                ackedInWindow.increment();
            } else if (sent < windowStart) {
                rttDuringSetup.add(now - sent);
            }
        }

        private String usage(long uptime) {
            return "{\"cpus\":2,\"cpuLoad\":0.05,\"memoryTotal\":1073741824,\"memoryUsed\":268435456,"
                    + "\"diskTotal\":8589934592,\"diskFree\":4294967296,\"uptimeSeconds\":" + (1000 + uptime) + "}";
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (agent.heartbeats != null) {
                agent.heartbeats.cancel(false);
            }
            if (!agent.closing) {
                disconnects.increment();
            }
            agent.welcomed.completeExceptionally(new IOException("channel closed before the welcome"));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            agent.welcomed.completeExceptionally(cause);
            ctx.close();
        }
    }

    /** Closes every channel and the event loops (bounded). */
    void close() {
        List<ChannelFuture> closing = new ArrayList<>();
        for (Agent agent : agents) {
            agent.closing = true;
            Channel channel = agent.channel;
            if (channel != null) {
                closing.add(channel.close());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        setup.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private static double ms(long nanos) {
        return nanos < 0 ? Double.NaN : Math.round(nanos / 10_000.0) / 100.0;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root
                && (root instanceof java.util.concurrent.CompletionException || root.getMessage() == null)) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.split("\n")[0];
    }

    private static String truncate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[sim %tT] " + format + "%n", prepend(System.currentTimeMillis(), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
