package org.outpost.workload;

import java.io.Closeable;
import java.util.List;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs workload instances on this node: containers through a container engine, or bundles and
 * features in this node's own framework. Runtimes are OSGi services (whiteboard); the agent hands
 * each assignment to the runtime whose {@link #name()} matches {@link #runtimeFor(Assignment)}.
 *
 * <p>Every method may block on the engine (seconds, not minutes) and is called from the agent's
 * worker thread, never from a network event loop. Instances are keyed by {@link Assignment#id()}
 * and marked with this node's name, so a runtime finds what it started before an agent restart
 * (and only that: several nodes may share one engine) instead of starting it twice.
 */
@ConsumerType
public interface WorkloadRuntime {

    /** Service property with the runtime's name; the agent reports the names it has to the server. */
    String NAME_PROPERTY = "outpost.runtime";
    /** Runs Deployments and DaemonSets: containers. */
    String DOCKER = "docker";
    /** Runs BundleDeployments: bundles and features. */
    String BUNDLE = "bundle";

    /** {@link #DOCKER} or {@link #BUNDLE}. */
    String name();

    /** Whether the runtime can work now, e.g. its engine answers; false with a reason in {@link #problem()}. */
    boolean available();

    /** Why the runtime cannot work, or null. */
    String problem();

    /**
     * Makes the instance match its assignment: creates and starts it when missing, adopts it when it
     * exists with the same {@link Assignment#specHash()}, replaces it when the spec differs. Quick when
     * nothing has to change: the agent calls it again every few seconds.
     *
     * @return the instance's state after the call; Failed with a reason rather than an exception when
     *         the assignment cannot run here (image missing, bundle unresolvable)
     */
    InstanceStatus apply(Assignment assignment);

    /** Stops and removes the instance and everything it made; nothing happens for an unknown id. */
    void remove(String id);

    /** Every instance this runtime holds for this node, by {@link Assignment#id()}, with its state. */
    List<InstanceStatus> instances();

    /**
     * Sends the instance's log lines, oldest first: the last {@code tailLines} (all when negative),
     * then, when {@code follow}, new lines as they come until the returned handle is closed.
     * Without {@code follow} the call returns once every line was sent.
     *
     * @throws org.outpost.api.OutpostException {@code NOT_FOUND} for an unknown instance
     */
    Closeable logs(String id, int tailLines, boolean follow, Consumer<String> lines);

    /** The runtime an assignment needs: {@link #BUNDLE} for BundleDeployments, {@link #DOCKER} otherwise. */
    static String runtimeFor(Assignment assignment) {
        return assignment.kind() == Kind.BUNDLE_DEPLOYMENT ? BUNDLE : DOCKER;
    }
}
