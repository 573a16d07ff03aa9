package org.outpost.scheduler.internal;

import java.time.Duration;
import java.util.Map;

import org.outpost.api.NodeInfo;
import org.outpost.api.NodeStatus;
import org.outpost.workload.Assignment;
import org.outpost.workload.BundleSet;
import org.outpost.workload.Container;
import org.outpost.workload.Kind;
import org.outpost.workload.Toleration;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadRuntime;

/** A workload with what placement needs of it worked out once. */
final class WorkloadTemplate {
    final Workload workload;
    final String hash;
    final String runtime;
    final long cpuRequest;
    final long memoryRequest;

    WorkloadTemplate(Workload workload, String hash) {
        this.workload = workload;
        this.hash = hash;
        this.runtime = workload.kind() == Kind.BUNDLE_DEPLOYMENT ? WorkloadRuntime.BUNDLE : WorkloadRuntime.DOCKER;
        long[] requests = requests(new Assignment(workload.namespace(), workload.name(), "", "", workload.kind(), hash,
                workload.pod(), workload.bundles()));
        this.cpuRequest = requests[0];
        this.memoryRequest = requests[1];
    }

    boolean perNode() {
        return workload.kind() == Kind.DAEMON_SET
                || workload.bundles() != null && workload.bundles().mode() == BundleSet.Mode.ALL_NODES;
    }

    int replicas() {
        return workload.pod() != null ? workload.pod().replicas() : workload.bundles().replicas();
    }

    Map<String, String> nodeSelector() {
        return workload.pod() != null ? workload.pod().nodeSelector() : workload.bundles().nodeSelector();
    }

    boolean matchesSelector(NodeInfo node) {
        return nodeSelector().entrySet().stream().allMatch(e -> e.getValue().equals(node.labels().get(e.getKey())));
    }

    /** Per-node workloads: on every node that matches and has the runtime, cordoned or not. */
    boolean selects(NodeInfo node) {
        return matchesSelector(node) && (node.runtimes().contains(runtime) || node.status() != NodeStatus.Ready);
    }

    /** How long instances stay on a NotReady node; null = for ever. */
    Duration notReadyTolerance(Duration byDefault) {
        if (workload.pod() == null) {
            return byDefault;
        }
        for (Toleration t : workload.pod().tolerations()) {
            boolean keyMatches = t.key().isEmpty() && "Exists".equals(t.operator()) || Planner.NOT_READY_TAINTS.contains(t.key());
            boolean effectMatches = t.effect().isEmpty() || "NoExecute".equals(t.effect());
            if (keyMatches && effectMatches) {
                return t.tolerationSeconds() == null ? null : Duration.ofSeconds(t.tolerationSeconds());
            }
        }
        return byDefault;
    }

    /** The cpu (millis) and memory (bytes) an assignment's containers request. */
    static long[] requests(Assignment a) {
        long cpu = 0;
        long memory = 0;
        if (a.pod() != null) {
            for (Container c : a.pod().containers()) {
                cpu += c.resources().cpuRequestMillis();
                memory += c.resources().memoryRequestBytes();
            }
        }
        return new long[] { cpu, memory };
    }
}
