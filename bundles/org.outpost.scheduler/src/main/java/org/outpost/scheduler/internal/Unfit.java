package org.outpost.scheduler.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.outpost.workload.WorkloadRuntime;

/**
 * Why a node cannot take one more instance, and what would change that: {@code reason} reads after
 * a count ({@code 2 without the docker runtime}), {@code fix} is the command or option to use, with
 * {@code NODE} where the node's name goes.
 */
record Unfit(String reason, String fix) {
    static final String NODE = "NODE";
    static final Comparator<Unfit> ORDER = Comparator.comparing(Unfit::reason).thenComparing(Unfit::fix);

    static Unfit notReady() {
        return new Unfit("NotReady", "start its agent, or edge:node-delete NODE");
    }

    static Unfit cordoned() {
        return new Unfit("cordoned", "edge:uncordon NODE");
    }

    static Unfit notMatching(Map<String, String> nodeSelector) {
        Map<String, String> sorted = new TreeMap<>(nodeSelector);
        String pairs = sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        return new Unfit("not matching nodeSelector " + pairs.replace(' ', ','), "edge:label NODE " + pairs);
    }

    static Unfit without(String runtime) {
        return new Unfit("without the " + runtime + " runtime", WorkloadRuntime.DOCKER.equals(runtime)
                ? "start the agent with --runtime docker"
                : "the node's org.outpost.runtime." + runtime + " bundle must be active");
    }

    static Unfit atInstanceLimit(int limit) {
        return new Unfit("at their instance limit of " + limit, "--max-instances-per-node");
    }

    static Unfit insufficientCpu(long requestMillis) {
        return new Unfit("with insufficient cpu", "requests " + requestMillis + "m; lower resources.requests.cpu or free some");
    }

    static Unfit insufficientMemory(long requestBytes) {
        return new Unfit("with insufficient memory", "requests " + bytes(requestBytes) + "; lower resources.requests.memory or free some");
    }

    /** {@code 2 without the docker runtime (start the agent with --runtime docker)}: the node is named when it is the only one. */
    String counted(List<String> nodes) {
        return nodes.size() + " " + reason + " (" + (nodes.size() == 1 ? fix.replace(NODE, nodes.get(0)) : fix) + ")";
    }

    /** {@code gw-2 (cordoned; edge:uncordon gw-2)}, for the nodes a per-node workload cannot run on. */
    String on(String node) {
        return node + " (" + reason + "; " + fix.replace(NODE, node) + ")";
    }

    private static String bytes(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "Gi";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "Mi";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "Ki";
        }
        return Long.toString(bytes);
    }
}
