package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.LocalNode;
import org.outpost.api.NodeUsage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;

/**
 * The agent's end of the channel as the component wires it, on an embedded channel that stands
 * for the TLS WebSocket: the handler, the session, the connection, the runtimes with a workload
 * supervisor, and the log relay. The supervisor's passes and the log reads run on the channel's
 * own loop, so the test decides when they happen.
 */
class AgentPipelineTest {
    private static final long HEARTBEAT_MILLIS = 1_000;

    @TempDir
    Path dir;

    private final ObjectMapper json = AgentJson.mapper();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final ScheduledThreadPoolExecutor idle = new ScheduledThreadPoolExecutor(1);
    private final LoggingRuntime docker = new LoggingRuntime();
    private EmbeddedChannel channel;
    private AgentConsole console;
    private ServerConnection connection;
    private RuntimeTracker runtimes;
    private ChannelSession session;
    private final ServerExtensions extensions = new ServerExtensions();

    /** An engine whose instances log two lines; its streams count their closing. */
    static class LoggingRuntime extends WorkloadSupervisorTest.MemoryRuntime {
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public Closeable logs(String id, int tailLines, boolean follow, Consumer<String> lines) {
            lines.accept("started " + id);
            lines.accept("reading sensors");
            return closed::incrementAndGet;
        }
    }

    private record Node(Path dataDir) implements LocalNode {
        @Override public String name() { return "gw-1"; }
        @Override public String role() { return "agent"; }
        @Override public Map<String, String> labels() { return Map.of("site", "plant-a"); }
        @Override public String version() { return "0.1.0"; }
        @Override public Instant started() { return Instant.EPOCH; }
    }

    @BeforeEach
    void setUp() {
        URI server = URI.create("https://127.0.0.1:6443");
        idle.shutdownNow(); // attempts never run: the embedded channel is attached by hand
        console = new AgentConsole("gw-1", server, new PrintStream(printed, true, StandardCharsets.UTF_8), System::nanoTime);
        connection = new ServerConnection(new ServerConnection.Settings(server, HEARTBEAT_MILLIS, false),
                new NodeJoin(server, null, dir.resolve("agent"), "gw-1", json, console), console,
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), RandomGenerator.getDefault()), json, null, idle,
                Clock.systemUTC(), () -> { throw new AssertionError("no exit"); });
        runtimes = new RuntimeTracker(() -> "gw-1", json, connection::send);
        channel = new EmbeddedChannel();
        LogRelay logs = new LogRelay(runtimes, connection::send, channel.eventLoop(), "gw-1", json);
        session = new ChannelSession(new Node(dir), connection, runtimes, logs, extensions, null,
                () -> new NodeUsage(4, 0.25, 1 << 30, 1 << 29, 1L << 34, 1L << 33, 600), json, console, Runnable::run);
        connection.start(session, session);
        channel.pipeline().addLast(new AgentChannelHandler(session, json, HEARTBEAT_MILLIS));
        connection.attached(channel, 1);
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    /** Starts the workload supervisor on the channel's loop, with a docker runtime. */
    private WorkloadSupervisor startWorkloads() {
        WorkloadSupervisor supervisor = new WorkloadSupervisor(dir.resolve("agent/assignments.json"), json, channel.eventLoop(),
                Runnable::run, Clock.systemUTC(), runtimes::report);
        runtimes.addRuntime(docker);
        runtimes.start(supervisor);
        supervisor.start(60_000);
        return supervisor;
    }

    private void handshake() {
        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
    }

    private void receive(String text) {
        channel.writeInbound(new TextWebSocketFrame(text));
    }

    /** Runs what is due on the channel's loop, then takes what the agent sent. */
    private List<JsonNode> sent() throws Exception {
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();
        List<JsonNode> frames = new ArrayList<>();
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            TextWebSocketFrame frame = (TextWebSocketFrame) out;
            frames.add(json.readTree(frame.text()));
            frame.release();
        }
        return frames;
    }

    private static List<String> types(List<JsonNode> frames) {
        return frames.stream().map(f -> f.path("type").asText()).toList();
    }

    @Test
    void helloGoesAfterTheHandshakeWithWhatTheServerNeeds() throws Exception {
        assertEquals(List.of(), sent(), "nothing before the WebSocket is up");
        handshake();

        List<JsonNode> frames = sent();
        assertEquals(List.of("hello"), types(frames));
        JsonNode hello = frames.get(0);
        assertEquals(AgentChannelHandler.PROTOCOL, hello.path("protocol").asInt());
        assertEquals("0.1.0", hello.path("version").asText());
        assertEquals(0, hello.path("lastRevision").asLong());
        assertEquals("plant-a", hello.path("labels").path("site").asText());
        assertEquals(4, hello.path("usage").path("cpus").asInt());
        assertEquals(600, hello.path("usage").path("uptimeSeconds").asLong());
    }

    @Test
    void heartbeatsStartWithTheWelcome() throws Exception {
        handshake();
        sent();
        channel.advanceTimeBy(3 * HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        assertEquals(List.of(), sent(), "no heartbeat before the welcome");

        receive("{\"type\":\"welcome\",\"revision\":3}");
        assertTrue(connection.connected());
        channel.advanceTimeBy(HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        List<JsonNode> first = sent();
        assertEquals(List.of("heartbeat"), types(first));
        assertEquals(1, first.get(0).path("seq").asLong());
        assertEquals(4, first.get(0).path("usage").path("cpus").asInt());

        channel.advanceTimeBy(HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        assertEquals(2, sent().get(0).path("seq").asLong());

        receive("{\"type\":\"ack\",\"seq\":2,\"revision\":8}");
        assertEquals(8, session.lastRevision());
        channel.close();
        channel.advanceTimeBy(3 * HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        assertEquals(List.of(), sent(), "heartbeats end with the channel");
    }

    @Test
    void aStatusReportGoesOnlyAfterTheWelcome() throws Exception {
        handshake();
        startWorkloads();
        channel.runScheduledPendingTasks(); // the supervisor's first pass: it reports the runtime it has
        assertEquals(List.of("hello"), types(sent()), "a status before the hello's answer makes the server refuse the node");

        receive("{\"type\":\"welcome\",\"revision\":3}");
        List<JsonNode> afterWelcome = sent();
        assertEquals(List.of("status"), types(afterWelcome), "the welcome has everything reported again");
        assertEquals("docker", afterWelcome.get(0).path("runtimes").path(0).asText());
    }

    @Test
    void logsAreRelayedAndEnded() throws Exception {
        handshake();
        WorkloadSupervisor supervisor = startWorkloads();
        receive("{\"type\":\"welcome\",\"revision\":3}");
        supervisor.assigned(List.of(WorkloadSupervisorTest.assignment("thermo-aaaaa")));
        sent();

        receive("{\"type\":\"logs\",\"stream\":11,\"id\":\"default/thermo-aaaaa\",\"tail\":50}");
        List<JsonNode> frames = sent().stream().filter(f -> f.path("stream").asLong() == 11).toList();
        assertEquals(List.of("log", "log", "log-end"), types(frames));
        assertEquals("started default/thermo-aaaaa", frames.get(0).path("lines").path(0).asText());
        assertEquals("reading sensors", frames.get(1).path("lines").path(0).asText());
        assertTrue(frames.get(2).path("error").isMissingNode());

        receive("{\"type\":\"logs\",\"stream\":12,\"id\":\"default/thermo-aaaaa\",\"follow\":true}");
        assertEquals(List.of("log", "log"), types(sent()));
        receive("{\"type\":\"logs\",\"stream\":13,\"id\":\"default/other-bbbbb\"}");
        JsonNode refused = sent().get(0);
        assertEquals(13, refused.path("stream").asLong());
        assertEquals("instance default/other-bbbbb is not assigned to node gw-1", refused.path("error").asText());

        int closedBefore = docker.closed.get();
        channel.close();
        assertEquals(closedBefore + 1, docker.closed.get(), "a follow stream ends with the channel that carried it");
    }

    @Test
    void fieldsTheAgentDoesNotKnowAreSkipped() throws Exception {
        handshake();
        WorkloadSupervisor supervisor = startWorkloads();

        receive("{\"type\":\"welcome\",\"revision\":3,\"serverFeature\":{\"since\":\"0.2.0\"}}");
        assertTrue(connection.connected());

        ObjectNode item = json.valueToTree(WorkloadSupervisorTest.assignment("thermo-aaaaa"));
        item.put("priorityClass", "high");
        ((ObjectNode) item.path("pod")).putObject("topology").put("zone", "boiler");
        receive("{\"type\":\"assignments\",\"revision\":5,\"rollout\":\"r-2\",\"items\":[" + item + "]}");
        org.outpost.workload.Assignment read = supervisor.assignments().get("default/thermo-aaaaa");
        assertNotNull(read, "the assignment was read: " + printed.toString(StandardCharsets.UTF_8));
        assertEquals("abc", read.specHash());
        assertEquals(5, session.lastRevision());

        receive("{\"type\":\"update\",\"revision\":9,\"reason\":\"newer server\"}");
        assertEquals(9, session.lastRevision());
        assertNull(console.lastError(), "nothing was refused: " + printed.toString(StandardCharsets.UTF_8));
        assertTrue(channel.isOpen());
    }

    @Test
    void messagesOfOtherTypesGoToTheBundlesThatTakeThem() throws Exception {
        List<String> taken = new ArrayList<>();
        extensions.add((type, message) -> taken.add(type + " " + message),
                Map.of(org.outpost.api.ServerMessageHandler.TYPES_PROPERTY, "devices-config"));
        handshake();
        receive("{\"type\":\"welcome\",\"revision\":3}");

        receive("{\"type\":\"devices-config\",\"devices\":[]}");
        receive("{\"type\":\"from-a-newer-server\"}");

        assertEquals(List.of("devices-config {\"type\":\"devices-config\",\"devices\":[]}"), taken);
        assertTrue(channel.isOpen(), "a type nobody takes is ignored");
    }
}
