package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * The connection's channel lifecycle with embedded channels standing in for the attempts' TCP
 * channels, and its attempts for a node that has neither identity nor token.
 */
class ServerConnectionTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final List<Boolean> losses = new CopyOnWriteArrayList<>();
    private final CountDownLatch exited = new CountDownLatch(1);
    private ScheduledExecutorService attempts;
    private URI nowhere;
    private AgentConsole console;

    @BeforeEach
    void setUp() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nowhere = URI.create("https://127.0.0.1:" + taken.getLocalPort());
        }
        console = new AgentConsole("gw-1", nowhere, new PrintStream(printed, true, StandardCharsets.UTF_8), System::nanoTime);
        attempts = new ScheduledThreadPoolExecutor(1);
    }

    @AfterEach
    void tearDown() {
        attempts.shutdownNow();
    }

    private ServerConnection connection(boolean exitOnJoinRefusal) {
        NodeJoin join = new NodeJoin(nowhere, null, dir.resolve("agent"), "gw-1", AgentJson.mapper(), console);
        return new ServerConnection(new ServerConnection.Settings(nowhere, 60_000, exitOnJoinRefusal), join, console,
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), RandomGenerator.getDefault()), AgentJson.mapper(),
                null, attempts, Clock.fixed(NOW, ZoneOffset.UTC), exited::countDown);
    }

    /** A connection whose attempts never run: the test attaches the channels itself. */
    private ServerConnection attachedByHand() {
        attempts.shutdownNow();
        ServerConnection connection = connection(false);
        connection.start(null, losses::add);
        return connection;
    }

    private List<String> lines() {
        String text = printed.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void onlyTheWelcomedChannelCarriesFramesAndItsLossIsRecordedWithTheReason() {
        ServerConnection connection = attachedByHand();
        EmbeddedChannel first = new EmbeddedChannel();
        connection.attached(first, 1);

        assertFalse(connection.send("{\"type\":\"status\"}"), "nothing goes before the welcome");
        assertNull(first.readOutbound());
        assertFalse(connection.connected());

        assertTrue(connection.welcomed(first));
        assertTrue(connection.connected());
        assertEquals(NOW, connection.lastAcknowledged());
        assertTrue(connection.send("{\"type\":\"status\"}"));
        TextWebSocketFrame sent = first.readOutbound();
        assertEquals("{\"type\":\"status\"}", sent.text());
        sent.release();

        connection.refused("forbidden", "node gw-1 is not allowed");
        first.close();

        assertFalse(connection.connected());
        assertEquals(List.of(false), losses);
        assertEquals(NOW, connection.lastLoss().at());
        assertEquals("refused by the server: node gw-1 is not allowed", connection.lastLoss().reason());
        assertEquals(List.of("outpost: node gw-1 connected to " + nowhere, "outpost: server refused this node: node gw-1 is not allowed"),
                lines(), "a node that did not join in this run says it is connected at its first welcome");
        assertEquals(0, connection.reconnects());
        assertFalse(connection.send("{\"type\":\"status\"}"));

        EmbeddedChannel second = new EmbeddedChannel();
        connection.attached(second, 2);
        assertTrue(connection.welcomed(second));
        assertEquals(1, connection.reconnects());
        assertEquals("outpost: node gw-1 connected to " + nowhere, lines().get(2), "connected again after the problem");
        second.close();
        assertEquals("the connection closed", connection.lastLoss().reason(), "a reason lasts only for its channel");
    }

    @Test
    void aChannelThatWasNeverWelcomedIsNoLoss() {
        ServerConnection connection = attachedByHand();
        EmbeddedChannel channel = new EmbeddedChannel();
        connection.attached(channel, 1);
        channel.close();

        assertEquals(List.of(), losses);
        assertNull(connection.lastLoss());
    }

    @Test
    void aWelcomeOnAChannelOtherThanTheAttemptsIsClosed() {
        ServerConnection connection = attachedByHand();
        EmbeddedChannel attempt = new EmbeddedChannel();
        EmbeddedChannel stray = new EmbeddedChannel();
        connection.attached(attempt, 1);

        assertFalse(connection.welcomed(stray));
        assertFalse(stray.isOpen());
        assertFalse(connection.connected());
        assertTrue(attempt.isOpen());
    }

    @Test
    void aStoppingAgentsChannelEndsWithoutCountingAsALoss() {
        ServerConnection connection = attachedByHand();
        EmbeddedChannel channel = new EmbeddedChannel();
        connection.attached(channel, 1);
        assertTrue(connection.welcomed(channel));

        connection.stop();
        connection.closeChannel();

        assertFalse(channel.isOpen());
        assertEquals(List.of(true), losses);
        assertNull(connection.lastLoss());
    }

    @Test
    void aRefusedJoinEndsTheNodeWithOneLineWhenSoConfigured() throws Exception {
        ServerConnection connection = connection(true);
        connection.start(null, losses::add);

        assertTrue(exited.await(10, TimeUnit.SECONDS), "the node ends");
        assertEquals(List.of("outpost: node gw-1 cannot join " + nowhere
                + ": no node identity yet and no join token configured (--token or --token-file)"
                + " (start with --retry-join to keep trying)"), lines());
        connection.stop();
    }

    @Test
    void otherwiseARefusedJoinIsSaidAndTheNodeGoesOn() throws Exception {
        ServerConnection connection = connection(false);
        connection.start(null, losses::add);

        await(() -> !lines().isEmpty(), "the problem is printed");
        assertEquals(List.of("outpost: no node identity yet and no join token configured (--token or --token-file)"), lines());
        assertEquals("no node identity yet and no join token configured (--token or --token-file)", console.lastError());
        assertEquals(1, exited.getCount(), "the node goes on");
        connection.stop();
    }
}
