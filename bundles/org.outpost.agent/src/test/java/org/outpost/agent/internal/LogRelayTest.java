package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class LogRelayTest {
    @TempDir
    Path dir;

    private final ObjectMapper json = AgentJson.mapper();
    private final BlockingQueue<String> sent = new LinkedBlockingQueue<>();
    private final ExecutorService readers = Executors.newSingleThreadExecutor();
    private final LoggingRuntime docker = new LoggingRuntime();
    private RuntimeTracker runtimes;
    private LogRelay relay;

    /** An engine whose instances log two lines (or fail); its streams count their closing. */
    static class LoggingRuntime extends WorkloadSupervisorTest.MemoryRuntime {
        final AtomicInteger closed = new AtomicInteger();
        volatile RuntimeException failure;

        @Override
        public Closeable logs(String id, int tailLines, boolean follow, Consumer<String> lines) {
            if (failure != null) {
                throw failure;
            }
            lines.accept("line 1 of " + id);
            lines.accept("line 2 (tail " + tailLines + ")");
            return closed::incrementAndGet;
        }
    }

    @BeforeEach
    void setUp() {
        ScheduledThreadPoolExecutor idle = new ScheduledThreadPoolExecutor(1);
        idle.shutdownNow(); // no supervisor passes: only the assignments matter here
        WorkloadSupervisor supervisor = new WorkloadSupervisor(dir.resolve("assignments.json"), json, idle, Runnable::run,
                Clock.systemUTC(), statuses -> { });
        supervisor.assigned(List.of(WorkloadSupervisorTest.assignment("thermo-aaaaa")));
        runtimes = new RuntimeTracker(() -> "gw-1", json, sent::add);
        runtimes.start(supervisor);
        relay = new LogRelay(runtimes, sent::add, readers, "gw-1", json);
    }

    @AfterEach
    void tearDown() {
        readers.shutdownNow();
    }

    private JsonNode next() throws Exception {
        String frame = sent.poll(10, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within 10 s");
        }
        return json.readTree(frame);
    }

    private void request(long stream, String id, boolean follow) throws IOException {
        relay.logsRequested(json.readTree("{\"type\":\"logs\",\"stream\":" + stream + ",\"id\":\"" + id + "\",\"tail\":20,\"follow\":"
                + follow + "}"));
    }

    @Test
    void aTailIsRelayedLineByLineAndEnded() throws Exception {
        runtimes.addRuntime(docker);
        request(7, "default/thermo-aaaaa", false);

        assertEquals(json.readTree("{\"type\":\"log\",\"stream\":7,\"lines\":[\"line 1 of default/thermo-aaaaa\"]}"), next());
        assertEquals(json.readTree("{\"type\":\"log\",\"stream\":7,\"lines\":[\"line 2 (tail 20)\"]}"), next());
        assertEquals(json.readTree("{\"type\":\"log-end\",\"stream\":7}"), next());
        assertEquals(1, docker.closed.get());
        assertEquals(0, relay.openStreams());
    }

    @Test
    void whatHasNoLogEndsWithTheReason() throws Exception {
        request(1, "default/nope-zzzzz", false);
        assertEquals("instance default/nope-zzzzz is not assigned to node gw-1", next().path("error").asText());

        request(2, "default/thermo-aaaaa", false);
        assertEquals("node gw-1 has no docker runtime", next().path("error").asText());

        runtimes.addRuntime(docker);
        docker.failure = new IllegalStateException("no such container: thermo-aaaaa");
        request(3, "default/thermo-aaaaa", false);
        JsonNode end = next();
        assertEquals("log-end", end.path("type").asText());
        assertEquals(3, end.path("stream").asLong());
        assertEquals("no such container: thermo-aaaaa", end.path("error").asText());
    }

    @Test
    void aFollowStreamStaysOpenUntilStoppedOrTheChannelIsGone() throws Exception {
        runtimes.addRuntime(docker);
        request(4, "default/thermo-aaaaa", true);
        request(5, "default/thermo-aaaaa", true);
        for (int i = 0; i < 4; i++) {
            assertEquals("log", next().path("type").asText());
        }
        readers.submit(() -> { }).get(10, TimeUnit.SECONDS); // both requests are through
        assertEquals(2, relay.openStreams());
        assertNull(sent.poll(), "a follow stream has no end of its own");

        relay.logsStopped(4);
        assertEquals(1, docker.closed.get());
        relay.logsStopped(4);
        assertEquals(1, docker.closed.get(), "a stream is closed once");

        relay.closeStreams();
        assertEquals(2, docker.closed.get());
        assertEquals(0, relay.openStreams());
    }

    @Test
    void aStoppedRelayAnswersThatTheNodeIsStopping() throws Exception {
        relay.stop();
        assertTrue(readers.isShutdown());
        request(9, "default/thermo-aaaaa", false);
        assertEquals(json.readTree("{\"type\":\"log-end\",\"stream\":9,\"error\":\"node gw-1 is stopping\"}"), next());
    }
}
