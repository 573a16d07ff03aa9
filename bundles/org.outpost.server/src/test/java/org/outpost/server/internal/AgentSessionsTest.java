package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;

class AgentSessionsTest {

    @Test
    void countsChannelsThatCameUpAgainPerNode() {
        AgentSessions sessions = new AgentSessions();
        EmbeddedChannel first = new EmbeddedChannel();
        sessions.open("gw-1", first);
        sessions.open("gw-2", new EmbeddedChannel());
        assertEquals(0, sessions.reconnects("gw-1"));
        EmbeddedChannel second = new EmbeddedChannel();
        sessions.open("gw-1", second);
        assertFalse(first.isOpen(), "a newer channel of the node replaces the older one");
        assertTrue(second.isOpen());
        sessions.closed("gw-1", second);
        sessions.open("gw-1", new EmbeddedChannel());
        assertEquals(2, sessions.reconnects("gw-1"));
        String metrics = PrometheusText.page(sessions::writeMetrics);
        assertTrue(metrics.contains("# TYPE outpost_agent_reconnects_total counter\n"), metrics);
        assertTrue(metrics.contains("outpost_agent_reconnects_total{node=\"gw-1\"} 2\n"), metrics);
        assertTrue(metrics.contains("outpost_agent_reconnects_total{node=\"gw-2\"} 0\n"), metrics);
        sessions.close("gw-1");
        assertFalse(PrometheusText.page(sessions::writeMetrics).contains("gw-1"), "a deleted node's count goes with it");
    }
}
