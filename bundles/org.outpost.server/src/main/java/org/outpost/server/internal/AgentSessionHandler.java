package org.outpost.server.internal;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.NodeUsage;
import org.outpost.api.OutpostException;
import org.outpost.api.StoreCompactedException;
import org.outpost.api.Watch;
import org.outpost.api.WatchEvent;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.WorkloadKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * One agent's channel (protocol in docs/agent-protocol.md). The node is the one named in the
 * client certificate: nothing in a message can speak for another node. Messages are decoded on
 * the event loop and acted on in order on a worker, since registry changes may write the store.
 */
final class AgentSessionHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSessionHandler.class);
    static final int PROTOCOL = 1;

    private final ServerContext server;
    private final String node;
    private final String certSerial;
    private final String address;
    private Executor ordered;
    private Channel channel;
    private ReadingsPacer pacer;
    private volatile boolean introduced;
    private volatile Watch specWatch;
    private volatile Watch assignmentWatch;
    private final AtomicBoolean assignmentsQueued = new AtomicBoolean();
    private final RefusalGate gate = new RefusalGate();
    private final AtomicBoolean refused = new AtomicBoolean();
    /** A devices report sent in chunks, until it is whole; used on the event loop only. */
    private final DeviceReportChunks deviceReports = new DeviceReportChunks();

    AgentSessionHandler(ServerContext server, String node, String certSerial, String address) {
        this.server = server;
        this.node = node;
        this.certSerial = certSerial;
        this.address = address;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ordered = new SerialExecutor(server.workers());
        channel = ctx.channel();
        pacer = new ReadingsPacer(channel, () -> server.devices().paused(node));
        ctx.pipeline().addBefore(ctx.name(), null, gate);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
        JsonNode message;
        try {
            message = server.json().readTree(frame.text());
        } catch (IOException e) {
            refuse(ErrorCode.INVALID_ARGUMENT, "message is not JSON");
            return;
        }
        String type = message.path("type").asText("");
        switch (type) {
            case "hello" -> ordered.execute(() -> hello(message));
            case "heartbeat" -> {
                if (!introduced) {
                    refuse(ErrorCode.INVALID_ARGUMENT, "send hello before heartbeats");
                    return;
                }
                server.metrics().heartbeats.increment();
                long seq = message.path("seq").asLong();
                NodeUsage usage = usage(message.path("usage"));
                ordered.execute(() -> {
                    server.registry().heartbeat(node, usage);
                    send(ack(seq));
                });
            }
            case "status" -> {
                if (!introduced) {
                    refuse(ErrorCode.INVALID_ARGUMENT, "send hello before status");
                    return;
                }
                ordered.execute(() -> status(message));
            }
            case "log" -> {
                if (introduced) {
                    server.logs().lines(node, message.path("stream").asLong(), strings(message.path("lines")));
                }
            }
            case "log-end" -> {
                if (introduced) {
                    JsonNode error = message.path("error");
                    server.logs().ended(node, message.path("stream").asLong(), error.isTextual() ? error.asText() : null);
                }
            }
            case "readings" -> {
                if (!introduced) {
                    refuse(ErrorCode.INVALID_ARGUMENT, "send hello before readings");
                    return;
                }
                pacer.arrived();
                ordered.execute(() -> {
                    try {
                        pacer.acknowledge(server.devices().readings(node, certSerial, message), this::send);
                    } catch (OutpostException | IllegalArgumentException e) {
                        pacer.settled();
                        refuse(ErrorCode.INVALID_ARGUMENT, "unreadable readings: " + e.getMessage());
                    }
                });
            }
            case "devices" -> {
                if (!introduced) {
                    return;
                }
                java.util.Optional<JsonNode> whole;
                try {
                    whole = deviceReports.offer(message);
                } catch (IllegalArgumentException e) {
                    refuse(ErrorCode.INVALID_ARGUMENT, e.getMessage());
                    return;
                }
                whole.ifPresent(report -> ordered.execute(() -> server.devices().reported(node, report)));
            }
            case "device-write-result" -> {
                if (introduced) {
                    server.devices().writeResult(message);
                }
            }
            default -> refuse(ErrorCode.INVALID_ARGUMENT, "unknown message type '" + type + "'");
        }
    }

    private void hello(JsonNode message) {
        if (introduced) {
            refuse(ErrorCode.INVALID_ARGUMENT, "hello was already sent on this channel");
            return;
        }
        try {
            if (message.path("protocol").asInt(0) != PROTOCOL) {
                refuse(ErrorCode.INVALID_ARGUMENT, "agent protocol " + message.path("protocol").asInt(0)
                        + " is not supported; this server speaks " + PROTOCOL);
                return;
            }
            StartLabels labels = StartLabels.of(message.path("labels"));
            server.registry().hello(node, certSerial, address, message.path("version").asText(""), labels.accepted(),
                    usage(message.path("usage")));
            server.registry().runtimes(node, strings(message.path("runtimes")));
            server.sessions().open(node, channel);
            introduced = true;
            long current = server.store().revision();
            ObjectNode welcome = server.json().createObjectNode();
            welcome.put("type", "welcome");
            welcome.put("protocol", PROTOCOL);
            welcome.put("revision", current);
            welcome.set("node", NodeJson.of(server.json(), server.registry().get(node).orElseThrow()));
            send(welcome);
            String dropped = labels.warning();
            if (dropped != null) {
                LOG.warn("Agent {}: {}", node, dropped);
                ObjectNode warning = server.json().createObjectNode();
                warning.put("type", "warning");
                warning.put("message", dropped);
                send(warning);
            }
            // Never replay from before the node's current registration: an earlier deletion is not news to it.
            long registered = server.store().get(NodeRegistryService.specKey(node)).map(KeyValue::createRevision).orElse(current);
            watchOwnSpec(Math.max(registered - 1, Math.min(message.path("lastRevision").asLong(0), current)));
            watchAssignments(current);
            server.devices().connected(node);
            LOG.info("Agent {} connected from {}", node, address);
        } catch (OutpostException e) {
            LOG.info("Agent {} refused: {}", node, e.getMessage());
            refuse(e.code(), e.getMessage());
        }
    }

    /** Replays changes to this node's spec since the agent's last revision, then follows live ones. */
    private void watchOwnSpec(long afterRevision) {
        String key = NodeRegistryService.specKey(node);
        try {
            specWatch = server.store().watch(key, afterRevision, this::specChanged);
        } catch (StoreCompactedException e) {
            specWatch = server.store().watch(key, server.store().revision(), this::specChanged);
        }
        if (!channel.isActive()) {
            specWatch.close();
        }
    }

    private void specChanged(WatchEvent event) {
        KeyValue kv = event.kv();
        if (!kv.key().equals(NodeRegistryService.specKey(node))) {
            return;
        }
        if (event.type() == WatchEvent.Type.DELETE) {
            refuse(ErrorCode.FORBIDDEN, "node " + node + " was deleted; join again with a token");
            return;
        }
        ObjectNode update = server.json().createObjectNode();
        update.put("type", "update");
        update.put("revision", event.revision());
        server.registry().get(node).ifPresent(info -> update.set("node", NodeJson.of(server.json(), info)));
        send(update);
    }

    /**
     * The node's assignments, whole, now and after every change to them: an agent always holds the
     * complete set it should run, so a message lost with a channel is repaired by the next one.
     */
    private void watchAssignments(long fromRevision) {
        assignmentWatch = server.store().watch(WorkloadKeys.assignmentsOf(node), fromRevision, event -> queueAssignments());
        if (!channel.isActive()) {
            assignmentWatch.close();
        }
        sendAssignments();
    }

    /** Changes that arrive before the list is sent (a rollout, a node returning) share one message. */
    private void queueAssignments() {
        if (assignmentsQueued.compareAndSet(false, true)) {
            ordered.execute(this::sendAssignments);
        }
    }

    private void sendAssignments() {
        assignmentsQueued.set(false);
        long revision = server.store().revision();
        java.util.List<String> items = new java.util.ArrayList<>();
        for (KeyValue kv : server.store().list(WorkloadKeys.assignmentsOf(node))) {
            try {
                JsonNode item = server.json().readTree(kv.value());
                if (item != null && item.isObject()) {
                    items.add(server.json().writeValueAsString(item));
                }
            } catch (IOException e) {
                LOG.warn("Assignment {} is unreadable; not sent: {}", kv.key(), e.getMessage());
            }
        }
        for (String frame : AssignmentFrames.of(revision, items, AssignmentFrames.MAX_FRAME_BYTES)) {
            channel.write(new TextWebSocketFrame(frame));
        }
        channel.flush();
    }

    /**
     * The agent's complete list of instance states: changed ones are stored, ones it no longer has
     * are removed. Only this node's keys are touched.
     */
    private void status(JsonNode message) {
        server.registry().runtimes(node, strings(message.path("runtimes")));
        java.util.Set<String> reported = new java.util.HashSet<>();
        for (JsonNode item : message.path("instances")) {
            InstanceStatus status;
            try {
                status = server.json().treeToValue(item, InstanceStatus.class);
            } catch (IOException e) {
                refuse(ErrorCode.INVALID_ARGUMENT, "status has an unreadable instance: " + e.getMessage());
                return;
            }
            if (status.id() == null || !status.id().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?")
                    || status.phase() == null) {
                refuse(ErrorCode.INVALID_ARGUMENT, "status has an instance without a valid id and phase");
                return;
            }
            String key = WorkloadKeys.instance(node, status.id());
            reported.add(key);
            try {
                byte[] value = server.json().writeValueAsBytes(status);
                boolean same = server.store().get(key).map(kv -> java.util.Arrays.equals(kv.value(), value)).orElse(false);
                if (!same) {
                    server.store().put(key, value);
                }
            } catch (IOException e) {
                LOG.warn("Cannot encode the status of {} on {}: {}", status.id(), node, e.getMessage());
            }
        }
        for (KeyValue kv : server.store().list(WorkloadKeys.instancesOf(node))) {
            if (!reported.contains(kv.key())) {
                server.store().delete(kv.key());
            }
        }
    }

    private static java.util.List<String> strings(JsonNode array) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return out;
    }

    private ObjectNode ack(long seq) {
        ObjectNode ack = server.json().createObjectNode();
        ack.put("type", "ack");
        ack.put("seq", seq);
        ack.put("revision", server.store().revision());
        return ack;
    }

    static NodeUsage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return NodeUsage.UNKNOWN;
        }
        return new NodeUsage(u.path("cpus").asInt(), u.path("cpuLoad").asDouble(), u.path("memoryTotal").asLong(),
                u.path("memoryUsed").asLong(), u.path("diskTotal").asLong(), u.path("diskFree").asLong(),
                u.path("uptimeSeconds").asLong());
    }

    private void send(ObjectNode message) {
        String text;
        try {
            text = server.json().writeValueAsString(message);
        } catch (IOException e) {
            LOG.warn("Cannot encode a message for agent {}: {}", node, e.getMessage());
            return;
        }
        channel.writeAndFlush(new TextWebSocketFrame(text));
    }

    /** Tells the agent why, then closes: the agent shows the reason and does not retry blindly. */
    private void refuse(ErrorCode code, String reason) {
        ObjectNode error = server.json().createObjectNode();
        error.put("type", "error");
        error.put("code", code.wireName());
        error.put("message", reason);
        if (!refused.compareAndSet(false, true)) {
            return; // the first reason is the one the agent hears
        }
        TextWebSocketFrame refusal = new TextWebSocketFrame(error.toString());
        gate.refuseWith(refusal);
        channel.write(refusal);
        channel.writeAndFlush(new CloseWebSocketFrame(code == ErrorCode.FORBIDDEN ? 4403 : 4400,
                reason.length() > 100 ? reason.substring(0, 100) : reason)).addListener(f -> channel.close());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            LOG.info("Agent {} silent too long; closing its channel", node);
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ordered.execute(() -> {
            Watch watch = specWatch;
            if (watch != null) {
                watch.close();
            }
            Watch assignments = assignmentWatch;
            if (assignments != null) {
                assignments.close();
            }
            if (introduced) {
                server.sessions().closed(node, channel);
                server.logs().disconnected(node);
                server.registry().disconnected(node);
                server.devices().disconnected(node);
                LOG.info("Agent {} disconnected", node);
            }
        });
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Agent {} channel error: {}", node, cause.toString());
        ctx.close();
    }
}
