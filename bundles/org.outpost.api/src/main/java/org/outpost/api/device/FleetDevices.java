package org.outpost.api.device;

import java.io.Closeable;
import java.util.List;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Every node's devices as the server sees them: what the agents report, the readings they
 * forward (latest values and a short history per channel), and the rules the server pushes to
 * them. Registered on the server.
 */
@ProviderType
public interface FleetDevices {

    /** Every node's devices, by node and device name. */
    List<NodeDevice> devices();

    /** One device, or null. */
    NodeDevice device(String node, String device);

    /**
     * The latest reading of each of the device's channels.
     *
     * @throws org.outpost.api.OutpostException NOT_FOUND for an unknown node or device
     */
    List<Reading> latest(String node, String device);

    /** The last {@code limit} readings of a channel (of every channel when null), oldest first. */
    List<Reading> history(String node, String device, String channel, int limit);

    /** New readings of the device as they arrive, until the handle is closed. */
    Closeable follow(String node, String device, String channel, Consumer<Reading> sink);

    /**
     * Writes through the node's agent; waits for its answer.
     *
     * @throws org.outpost.api.OutpostException as {@link DeviceService#write}, or UNAVAILABLE when the
     *         node is not connected
     */
    Reading write(String node, String device, String channel, String value);

    /** The rules the server holds, for every node. */
    List<NodeRule> rules();

    /**
     * Adds or replaces a rule and pushes it to its node.
     *
     * @throws org.outpost.api.OutpostException INVALID_ARGUMENT for a rule with problems
     */
    void putRule(NodeRule rule);

    /** @return false when there was no such rule */
    boolean removeRule(String name);

    /** What each node's outbox and forwarding report, by node. */
    List<NodeTelemetry> telemetry();

    /**
     * How each node's forwarding meets the server's ingest budget, by node.
     *
     * @since 1.2
     */
    default List<NodeIngest> ingest() {
        return List.of();
    }

    /** A device and the node it is on. */
    record NodeDevice(String node, DeviceState state) {
    }

    /** A rule and the node it runs on. */
    record NodeRule(String node, Rule rule) {
    }

    /**
     * @param depth outbox records not yet acknowledged by every consumer
     * @param oldestAppendedAt ms since the epoch, 0 when empty
     * @param reportedAt when the node last reported (ms since the epoch)
     */
    record NodeTelemetry(String node, long depth, long bytes, long oldestAppendedAt, double appendRate, long dropped,
            long received, long duplicates, long reportedAt) {
    }

    /**
     * One node's forwarding against the server's limits. Nothing here is lost: throttled readings
     * were kept, only their acknowledgement waited (the node's outbox held what came after them).
     *
     * @param budgetPerSecond the node's ingest budget in readings per second (0: none)
     * @param accepted readings and alerts the server took from the node (new ones)
     * @param throttled readings whose acknowledgement the server delayed because the node was beyond its budget
     * @param throttledMillis the delays added up
     * @param notKept readings acknowledged but not kept in the server's memory: their channel found no room
     *        (channels per node, or the server's history budget)
     * @param outboxDropped records the node's outbox dropped at its size or age bound, over its life
     * @param outboxRefused readings the node's outbox refused because its append queue was full
     * @param paused times the server stopped reading the node's channel: it had more unacknowledged
     *        batches than the protocol allows
     * @since 1.2
     */
    record NodeIngest(String node, int budgetPerSecond, long accepted, long throttled, long throttledMillis,
            long notKept, long outboxDropped, long outboxRefused, long paused) {
    }
}
