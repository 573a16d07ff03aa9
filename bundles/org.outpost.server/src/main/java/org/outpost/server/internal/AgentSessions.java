package org.outpost.server.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.Channel;

/** Open agent channels by node name: at most one per node (a newer connection replaces an older one). */
final class AgentSessions {
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();

    void open(String node, Channel channel) {
        Channel previous = channels.put(node, channel);
        if (previous != null && previous != channel) {
            previous.close();
        }
    }

    void closed(String node, Channel channel) {
        channels.remove(node, channel);
    }

    void close(String node) {
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
}
