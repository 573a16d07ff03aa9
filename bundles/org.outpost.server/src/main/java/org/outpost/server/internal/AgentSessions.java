package org.outpost.server.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.netty.channel.Channel;

/**
 * Open agent channels by node name: at most one per node (a newer connection replaces an older one),
 * and how often each node's channel came up again since this server started.
 */
final class AgentSessions {
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    /** Channels opened per node since the server started; a node's entry goes with the node. */
    private final Map<String, LongAdder> opened = new ConcurrentHashMap<>();

    void open(String node, Channel channel) {
        opened.computeIfAbsent(node, n -> new LongAdder()).increment();
        Channel previous = channels.put(node, channel);
        if (previous != null && previous != channel) {
            previous.close();
        }
    }

    void closed(String node, Channel channel) {
        channels.remove(node, channel);
    }

    /** The node is deleted: its channel closes and its counts go. */
    void close(String node) {
        opened.remove(node);
        Channel channel = channels.remove(node);
        if (channel != null) {
            channel.close();
        }
    }

    /** The node's open channel, or null. */
    Channel get(String node) {
        return channels.get(node);
    }

    int size() {
        return channels.size();
    }

    /** Times the node's channel came up after its first one since this server started. */
    long reconnects(String node) {
        LongAdder count = opened.get(node);
        return count == null ? 0 : Math.max(0, count.sum() - 1);
    }

    /** Writes {@code outpost_agent_reconnects_total} per node onto the page. */
    void writeMetrics(PrometheusText out) {
        out.family("outpost_agent_reconnects_total", PrometheusText.Type.COUNTER,
                "Agent channels that came up again after the node's first one since this server started.");
        new TreeMap<>(opened).forEach((node, count) -> out.sample("node", node, Math.max(0, count.sum() - 1)));
    }
}
