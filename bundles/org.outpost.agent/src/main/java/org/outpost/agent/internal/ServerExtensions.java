package org.outpost.agent.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.outpost.api.ServerLink;
import org.outpost.api.ServerMessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/**
 * What other bundles add to the agent's channel: the {@link ServerLink} service while the channel
 * is up, and the {@link ServerMessageHandler}s that take the server's messages of their types.
 */
final class ServerExtensions {
    private static final Logger LOG = LoggerFactory.getLogger(ServerExtensions.class);

    private final Map<String, List<ServerMessageHandler>> handlers = new ConcurrentHashMap<>();
    private ServiceRegistration<ServerLink> registration; // guarded by this

    void add(ServerMessageHandler handler, Map<String, Object> properties) {
        for (String type : types(properties)) {
            handlers.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(handler);
        }
    }

    void remove(ServerMessageHandler handler, Map<String, Object> properties) {
        for (String type : types(properties)) {
            List<ServerMessageHandler> list = handlers.get(type);
            if (list != null) list.remove(handler);
        }
    }

    /** Hands a message to the handlers of its type; false when none takes it. */
    boolean dispatch(String type, String message) {
        List<ServerMessageHandler> list = handlers.get(type);
        if (list == null || list.isEmpty()) return false;
        for (ServerMessageHandler handler : list) {
            try {
                handler.handle(type, message);
            } catch (RuntimeException e) {
                LOG.warn("Handler of '{}' messages failed", type, e);
            }
        }
        return true;
    }

    synchronized void linkUp(BundleContext context, Channel channel, String node) {
        linkDown();
        if (context == null || !channel.isActive()) return;
        ServerLink link = new ServerLink() {
            @Override
            public String node() {
                return node;
            }

            @Override
            public boolean send(String json) {
                if (!channel.isActive()) return false;
                channel.writeAndFlush(new TextWebSocketFrame(json));
                return true;
            }

            @Override
            public boolean writable() {
                return channel.isActive() && channel.isWritable();
            }
        };
        try {
            registration = context.registerService(ServerLink.class, link, null);
        } catch (IllegalStateException e) {
            // the agent bundle is stopping
        }
    }

    synchronized void linkDown() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
            registration = null;
        }
    }

    private static List<String> types(Map<String, Object> properties) {
        Object value = properties.get(ServerMessageHandler.TYPES_PROPERTY);
        if (value instanceof String type) return List.of(type);
        if (value instanceof String[] types) return List.of(types);
        if (value instanceof java.util.Collection<?> types) return types.stream().map(String::valueOf).toList();
        return List.of();
    }
}
