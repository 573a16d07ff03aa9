package org.outpost.agent.internal;

import java.io.PrintStream;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the node's console and log hear about the connection to the server: each problem once
 * (a server that stays down does not flood either), an unreachable server only after a few
 * seconds (the local agent often starts a moment before its server listens), and "connected"
 * again after a problem.
 */
final class AgentConsole {
    /** The component's logger: the sentences keep the logger name they always had. */
    private static final Logger LOG = LoggerFactory.getLogger(AgentComponent.class);
    /** How long "cannot reach the server" may last before the console hears of it. */
    static final long UNREACHABLE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final String node;
    private final URI server;
    private final PrintStream out;
    private final LongSupplier nanoTime;
    private volatile String lastError;
    private volatile long unreachableSinceNanos;

    AgentConsole(String node, URI server, PrintStream out, LongSupplier nanoTime) {
        this.node = node;
        this.server = server;
        this.out = out;
        this.nanoTime = nanoTime;
    }

    /** Logs and prints a problem once per distinct message. */
    void problem(String message) {
        if (!message.equals(lastError)) {
            LOG.warn("Node {}: {}", node, message);
            out.println("outpost: " + message);
        }
        lastError = message;
    }

    /** A server that cannot be reached is reported once it has been so for a few seconds. */
    void unreachable(String message) {
        long now = nanoTime.getAsLong();
        if (unreachableSinceNanos == 0) {
            unreachableSinceNanos = now;
        }
        if (now - unreachableSinceNanos >= UNREACHABLE_GRACE_NANOS) {
            problem(message);
        } else {
            LOG.debug("Node {}: {}", node, message);
        }
    }

    void joined() {
        LOG.info("Node {} joined {}", node, server);
        out.println("outpost: node " + node + " joined " + server);
    }

    /**
     * The server welcomed the node. The console hears of it after a problem, and at the first
     * connection of a node that did not join in this run (a restarted node says it is back).
     */
    void connected(boolean firstWithoutJoin) {
        unreachableSinceNanos = 0;
        if (lastError != null || firstWithoutJoin) {
            out.println("outpost: node " + node + " connected to " + server);
        }
        lastError = null;
        LOG.info("Node {} connected to {}", node, server);
    }

    void warned(String message) {
        LOG.warn("Node {}: server: {}", node, message);
        out.println("outpost: node " + node + ": " + message);
    }

    /** The one line a node that ends on a refused join leaves. */
    void cannotJoin(String reason) {
        lastError = reason;
        LOG.warn("Node {} cannot join {}: {}", node, server, reason);
        out.println("outpost: node " + node + " cannot join " + server + ": " + reason
                + " (start with --retry-join to keep trying)");
        out.flush();
    }

    void channelLost(String reason) {
        LOG.info("Node {} lost its channel to {} ({}); reconnecting", node, server, reason);
    }

    String lastError() {
        return lastError;
    }

    /** The root cause's first line: what a person can act on. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.split("\n")[0];
    }
}
