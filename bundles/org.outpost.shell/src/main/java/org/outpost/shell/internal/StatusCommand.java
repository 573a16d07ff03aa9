package org.outpost.shell.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.AgentState;
import org.outpost.api.ClusterStore;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeRegistry;
import org.outpost.api.NodeStatus;
import org.outpost.api.ServerState;

@Command(scope = "edge", name = "status", description = "Shows this node's role, version, uptime and connections.",
        detailedDescription = "On a server also the store, its revision, node counts and the server URL;"
                + " wherever an agent runs, its connection to the server.")
@Service
public class StatusCommand extends EdgeAction {

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Reference(optional = true)
    ServerState serverState;

    @Reference(optional = true)
    AgentState agentState;

    @Reference(optional = true)
    ClusterStore store;

    @Reference(optional = true)
    NodeRegistry registry;

    /** Counts of nodes by status. */
    record Counts(int total, int ready, int notReady) {
    }

    @Override
    protected void run() throws Exception {
        boolean json = Output.isJson(output);
        ObjectNode status = status();
        if (json) {
            out().println(Json.write(status));
        } else {
            text(status).forEach(out()::println);
        }
    }

    /** Everything the command shows, as the JSON object it prints with {@code -o json}. */
    ObjectNode status() {
        String role = role();
        boolean server = "server".equals(role) || (role == null && serverState != null);
        ObjectNode o = Json.object();
        o.put("role", role);
        o.put("node", localNode == null ? null : localNode.name());
        o.put("version", localNode == null ? null : localNode.version());
        o.put("uptimeSeconds", uptime().getSeconds());
        if (server) {
            o.put("store", store == null ? null : store.describe());
            if (store == null) {
                o.putNull("revision");
            } else {
                o.put("revision", store.revision());
            }
            if (registry == null) {
                o.putNull("nodes");
            } else {
                Counts c = counts(registry.list());
                ObjectNode nodes = o.putObject("nodes");
                nodes.put("total", c.total());
                nodes.put("ready", c.ready());
                nodes.put("notReady", c.notReady());
            }
            o.put("server", serverState == null ? null : serverState.url());
        }
        if (agentState != null) {
            ObjectNode a = o.putObject("agent");
            a.put("server", agentState.serverUrl());
            a.put("connected", agentState.connected());
            a.put("lastAcknowledged", Json.instant(agentState.lastAcknowledged()));
            a.put("lastRevision", agentState.lastRevision());
            a.put("lastError", agentState.lastError());
            a.put("reconnects", agentState.reconnects());
            a.put("lastDisconnected", Json.instant(agentState.lastDisconnected()));
            a.put("lastDisconnectReason", agentState.lastDisconnectReason());
        } else if ("agent".equals(role)) {
            o.putNull("agent");
        }
        return o;
    }

    private Duration uptime() {
        Instant started = localNode == null ? null : localNode.started();
        if (started == null) {
            started = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        }
        Duration d = Duration.between(started, now());
        return d.isNegative() ? Duration.ZERO : d;
    }

    static Counts counts(List<NodeInfo> nodes) {
        int ready = (int) nodes.stream().filter(n -> n.status() == NodeStatus.Ready).count();
        return new Counts(nodes.size(), ready, nodes.size() - ready);
    }

    /** The human form: {@code key: value} lines made from the JSON object. */
    List<String> text(ObjectNode s) {
        List<String> lines = new ArrayList<>();
        lines.add("role: " + orNone(s.path("role").asText(null)));
        lines.add("node: " + orNone(s.path("node").asText(null)));
        lines.add("version: " + orNone(s.path("version").asText(null)));
        lines.add("uptime: " + Ages.format(Duration.ofSeconds(s.path("uptimeSeconds").asLong())));
        if (s.has("store")) {
            lines.add("store: " + orNone(s.path("store").asText(null)));
            lines.add("revision: " + (s.path("revision").isNull() ? "<unknown>" : s.path("revision").asText()));
            var nodes = s.path("nodes");
            lines.add("nodes: " + (nodes.isObject()
                    ? nodes.path("total").asInt() + " total, " + nodes.path("ready").asInt() + " ready, "
                            + nodes.path("notReady").asInt() + " not ready"
                    : "<unknown>"));
            lines.add("server: " + orNone(s.path("server").asText(null)));
        }
        var agent = s.path("agent");
        if (agent.isObject()) {
            String ack = agent.path("lastAcknowledged").asText(null);
            lines.add("agent: " + (agent.path("connected").asBoolean() ? "connected" : "disconnected")
                    + " to " + orNone(agent.path("server").asText(null)));
            lines.add("agent last acknowledged: "
                    + (ack == null ? "never" : NodeText.when(Instant.parse(ack), now())));
            lines.add("agent last revision: " + agent.path("lastRevision").asLong());
            lines.add("agent reconnects: " + agent.path("reconnects").asLong());
            String lost = agent.path("lastDisconnected").asText(null);
            if (lost != null) {
                lines.add("agent last disconnect: " + NodeText.when(Instant.parse(lost), now()) + ": "
                        + orNone(agent.path("lastDisconnectReason").asText(null)));
            }
            String error = agent.path("lastError").asText(null);
            if (error != null) {
                lines.add("agent last error: " + error);
            }
        } else if (s.has("agent")) {
            lines.add("agent: not running");
        }
        return lines;
    }

    private static String orNone(String s) {
        return s == null || s.isEmpty() ? "<none>" : s;
    }
}
