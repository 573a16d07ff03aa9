package org.outpost.agent.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.outpost.api.LocalNode;
import org.outpost.api.NodeUsage;
import org.outpost.workload.Assignment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.channel.Channel;

/**
 * What the channel handler reports to, handed to the part that owns each message: the connection
 * (welcome, refusal, failure, acknowledgements), the runtimes (assignments, and reporting again
 * after a welcome), the log relay and the extensions. Also the newest store revision the server
 * has told of, which the next hello carries.
 */
final class ChannelSession implements AgentSession, ServerConnection.LinkLost {
    private final LocalNode node;
    private final ServerConnection connection;
    private final RuntimeTracker runtimes;
    private final LogRelay logs;
    private final ServerExtensions extensions;
    private final BundleContext context;
    private final Supplier<NodeUsage> usage;
    private final ObjectMapper json;
    private final AgentConsole console;
    /** Where the extensions' link goes up and down: off the event loop, since it (un)registers a service. */
    private final Executor linkChanges;
    private final AtomicLong lastRevision = new AtomicLong();

    /** @param context null when there is no framework (tests): no link service then */
    ChannelSession(LocalNode node, ServerConnection connection, RuntimeTracker runtimes, LogRelay logs,
            ServerExtensions extensions, BundleContext context, Supplier<NodeUsage> usage, ObjectMapper json,
            AgentConsole console, Executor linkChanges) {
        this.node = node;
        this.connection = connection;
        this.runtimes = runtimes;
        this.logs = logs;
        this.extensions = extensions;
        this.context = context;
        this.usage = usage;
        this.json = json;
        this.console = console;
        this.linkChanges = linkChanges;
    }

    @Override
    public String version() {
        return node.version();
    }

    @Override
    public Map<String, String> labels() {
        return node.labels();
    }

    @Override
    public long lastRevision() {
        return lastRevision.get();
    }

    @Override
    public ObjectNode usageJson(ObjectMapper mapper) {
        NodeUsage u = usage.get();
        ObjectNode out = mapper.createObjectNode();
        out.put("cpus", u.cpus());
        out.put("cpuLoad", u.cpuLoad());
        out.put("memoryTotal", u.memoryTotal());
        out.put("memoryUsed", u.memoryUsed());
        out.put("diskTotal", u.diskTotal());
        out.put("diskFree", u.diskFree());
        out.put("uptimeSeconds", u.uptimeSeconds());
        return out;
    }

    @Override
    public List<String> runtimes() {
        return runtimes.runtimeNames();
    }

    @Override
    public void welcomed(Channel welcoming, JsonNode welcome) {
        if (!connection.welcomed(welcoming)) {
            return;
        }
        lastRevision.accumulateAndGet(welcome.path("revision").asLong(), Math::max);
        runtimes.reportAgain();
        execute(() -> {
            if (connection.isWelcomed(welcoming)) {
                extensions.linkUp(context, welcoming, node.name());
            }
        });
    }

    @Override
    public void lost(boolean stopping) {
        logs.closeStreams();
        if (!stopping) {
            execute(extensions::linkDown);
        }
    }

    @Override
    public void assigned(JsonNode message) {
        lastRevision.accumulateAndGet(message.path("revision").asLong(), Math::max);
        if (!runtimes.started()) {
            return;
        }
        try {
            List<Assignment> items = new ArrayList<>();
            for (JsonNode item : message.path("items")) {
                items.add(json.treeToValue(item, Assignment.class));
            }
            runtimes.assigned(items);
        } catch (IOException e) {
            console.problem("server sent assignments this agent cannot read: " + e.getMessage());
        }
    }

    @Override
    public void logsRequested(JsonNode request) {
        logs.logsRequested(request);
    }

    @Override
    public void logsStopped(long stream) {
        logs.logsStopped(stream);
    }

    @Override
    public void sent(long seq) {
        // acknowledgements are tracked by time; the sequence number is for the server's metrics and tests
    }

    @Override
    public void acknowledged(long seq, long revision) {
        connection.acknowledged();
        lastRevision.accumulateAndGet(revision, Math::max);
    }

    @Override
    public void updated(JsonNode update) {
        lastRevision.accumulateAndGet(update.path("revision").asLong(), Math::max);
    }

    @Override
    public void refused(String code, String message) {
        connection.refused(code, message);
    }

    @Override
    public void warned(String message) {
        console.warned(message);
    }

    @Override
    public void channelFailed(Throwable cause) {
        connection.channelFailed(cause);
    }

    @Override
    public boolean extensionMessage(String type, String message) {
        return extensions.dispatch(type, message);
    }

    private void execute(Runnable change) {
        try {
            linkChanges.execute(change);
        } catch (RejectedExecutionException e) {
            // the agent is stopping: its deactivation takes the link down
        }
    }
}
