package org.outpost.agent.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.outpost.workload.Assignment;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.WorkloadRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The node's workload runtimes and the {@link WorkloadSupervisor} that runs its assignments on
 * them. Runtimes are services that may arrive before the supervisor exists (before activation):
 * they wait here and are handed over when it starts. Also the supervisor's status reports to the
 * server, sent only on a welcomed channel — a status before the hello makes the server refuse the
 * node; the next welcome has everything reported again.
 */
final class RuntimeTracker {
    private static final Logger LOG = LoggerFactory.getLogger(AgentComponent.class);

    /** The node's name; asked only once running (the tracker is made before the node service is bound). */
    private final Supplier<String> node;
    private final ObjectMapper json;
    /** Sends a text frame on the welcomed channel (dropped when there is none). */
    private final Consumer<String> sender;
    /** Runtimes that arrive before the supervisor; guarded by itself. */
    private final List<WorkloadRuntime> waiting = new ArrayList<>();
    private volatile WorkloadSupervisor supervisor;

    RuntimeTracker(Supplier<String> node, ObjectMapper json, Consumer<String> sender) {
        this.node = node;
        this.json = json;
        this.sender = sender;
    }

    /** From now on {@code started} runs the assignments, with the runtimes that waited for it. */
    void start(WorkloadSupervisor started) {
        synchronized (waiting) {
            waiting.forEach(started::addRuntime);
            waiting.clear();
            supervisor = started;
        }
    }

    void addRuntime(WorkloadRuntime runtime) {
        synchronized (waiting) {
            if (supervisor == null) {
                waiting.add(runtime);
                return;
            }
        }
        supervisor.addRuntime(runtime);
        LOG.info("Node {} can run {} workloads", node.get(), runtime.name());
    }

    void removeRuntime(WorkloadRuntime runtime) {
        synchronized (waiting) {
            waiting.remove(runtime);
            if (supervisor == null) {
                return;
            }
        }
        supervisor.removeRuntime(runtime);
    }

    /** What the node runs, for the shell and tests; null before the start. */
    WorkloadSupervisor supervisor() {
        return supervisor;
    }

    /** The runtimes that can work now; none before the start. */
    List<String> runtimeNames() {
        WorkloadSupervisor supervising = supervisor;
        return supervising == null ? List.of() : supervising.runtimeNames();
    }

    boolean started() {
        return supervisor != null;
    }

    /** The server's complete list for this node (ignored before the start: the welcome after it sends it again). */
    void assigned(List<Assignment> assignments) {
        WorkloadSupervisor supervising = supervisor;
        if (supervising != null) {
            supervising.assigned(assignments);
        }
    }

    /** A server has just welcomed this node: it hears the whole state again. */
    void reportAgain() {
        WorkloadSupervisor supervising = supervisor;
        if (supervising != null) {
            supervising.reportAgain();
        }
    }

    /** The assignment of instance {@code id} ({@code namespace/instance}), or null. */
    Assignment assignment(String id) {
        WorkloadSupervisor supervising = supervisor;
        return supervising == null ? null : supervising.assignments().get(id);
    }

    WorkloadRuntime runtime(String name) {
        WorkloadSupervisor supervising = supervisor;
        return supervising == null ? null : supervising.runtime(name);
    }

    /** The supervisor's latest instance states to the server, when there is a welcomed channel. */
    void report(List<InstanceStatus> instances) {
        WorkloadSupervisor supervising = supervisor;
        if (supervising == null) {
            return; // reportAgain() on the next welcome sends the current state
        }
        ObjectNode status = json.createObjectNode();
        status.put("type", "status");
        supervising.runtimeNames().forEach(status.putArray("runtimes")::add);
        status.set("instances", json.valueToTree(instances));
        try {
            sender.accept(json.writeValueAsString(status));
        } catch (IOException e) {
            LOG.warn("Cannot encode the status report: {}", e.getMessage());
        }
    }
}
