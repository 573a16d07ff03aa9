package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class AgentConsoleTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final AgentConsole console = new AgentConsole("gw-1", URI.create("https://127.0.0.1:6443"),
            new PrintStream(printed, true, StandardCharsets.UTF_8), nanos::get);

    private List<String> lines() {
        String text = printed.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    @Test
    void aProblemIsPrintedOncePerDistinctMessage() {
        console.problem("server refused this node: no");
        console.problem("server refused this node: no");
        console.problem("channel to https://127.0.0.1:6443 failed: reset");

        assertEquals(List.of("outpost: server refused this node: no", "outpost: channel to https://127.0.0.1:6443 failed: reset"),
                lines());
        assertEquals("channel to https://127.0.0.1:6443 failed: reset", console.lastError());
    }

    @Test
    void anUnreachableServerIsReportedOnlyAfterTheGrace() {
        console.unreachable("cannot reach server https://127.0.0.1:6443: Connection refused");
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
        console.unreachable("cannot reach server https://127.0.0.1:6443: Connection refused");
        assertEquals(List.of(), lines(), "a server that starts a moment later is not news");
        assertNull(console.lastError());

        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        console.unreachable("cannot reach server https://127.0.0.1:6443: Connection refused");
        assertEquals(List.of("outpost: cannot reach server https://127.0.0.1:6443: Connection refused"), lines());
    }

    @Test
    void connectedIsPrintedAfterAProblemOrForARestartedNode() {
        console.connected(false);
        assertEquals(List.of(), lines(), "a node that just joined has said so already");

        console.connected(true);
        assertEquals(List.of("outpost: node gw-1 connected to https://127.0.0.1:6443"), lines());

        console.problem("channel to https://127.0.0.1:6443 failed: reset");
        console.connected(false);
        assertEquals("outpost: node gw-1 connected to https://127.0.0.1:6443", lines().get(2));
        assertNull(console.lastError());
    }

    @Test
    void theGraceRunsFromTheFirstFailureAfterAConnection() {
        console.unreachable("cannot reach server https://127.0.0.1:6443: Connection refused");
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(10));
        console.connected(false);
        console.unreachable("cannot reach server https://127.0.0.1:6443: Connection refused");

        assertEquals(List.of(), lines());
    }

    @Test
    void aRefusedJoinThatEndsTheNodeSaysSoInOneLine() {
        console.cannotJoin("the token is not valid");

        assertEquals(List.of("outpost: node gw-1 cannot join https://127.0.0.1:6443: the token is not valid"
                + " (start with --retry-join to keep trying)"), lines());
        assertEquals("the token is not valid", console.lastError());
    }

    @Test
    void describeGivesTheRootCausesFirstLine() {
        Exception e = new RuntimeException("outer", new java.io.IOException("Connection refused\nat somewhere"));
        assertEquals("Connection refused", AgentConsole.describe(e));
        assertEquals("IllegalStateException", AgentConsole.describe(new IllegalStateException()));
    }
}
