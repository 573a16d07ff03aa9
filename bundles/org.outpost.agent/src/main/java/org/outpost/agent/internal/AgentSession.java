package org.outpost.agent.internal;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the channel handler reports to, and reads from, the agent. */
interface AgentSession {
    String version();

    Map<String, String> labels();

    long lastRevision();

    ObjectNode usageJson(ObjectMapper json);

    /** The workload runtimes this node has, for the hello. */
    java.util.List<String> runtimes();

    /** The server welcomed the node on {@code channel}: from now on it carries status and the other messages. */
    void welcomed(io.netty.channel.Channel channel, JsonNode welcome);

    /** The server's complete list of this node's assignments. */
    void assigned(JsonNode assignments);

    /** The server asks for an instance's log ({@code stream}, {@code id}, {@code tail}, {@code follow}). */
    void logsRequested(JsonNode request);

    void logsStopped(long stream);

    void sent(long seq);

    void acknowledged(long seq, long revision);

    void updated(JsonNode update);

    void refused(String code, String message);

    /** The server took the node but not all it said (e.g. start labels that break the rules). */
    void warned(String message);

    void channelFailed(Throwable cause);

    /** A message of a type the agent itself does not handle; false when no extension takes it. */
    boolean extensionMessage(String type, String message);
}
