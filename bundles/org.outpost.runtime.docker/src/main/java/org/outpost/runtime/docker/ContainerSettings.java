package org.outpost.runtime.docker;

import java.util.List;
import java.util.Map;

import org.outpost.workload.Assignment;
import org.outpost.workload.Container;
import org.outpost.workload.Resources;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;

/** What the engine is asked to create for one container of an assignment's pod. */
final class ContainerSettings {

    /** Edge containers get no network unless told otherwise: the engine runs without a bridge. */
    static final String NETWORK_MODE = "none";

    private ContainerSettings() {
    }

    static CreateContainerCmd createCommand(CreateContainerCmd.Exec exec, String node, Assignment assignment,
            Container container) {
        CreateContainerCmd create = new EnvHidingCreateContainerCmd(exec, container.image())
                .withName(ContainerLabels.containerName(node, assignment, container))
                .withLabels(ContainerLabels.of(node, assignment, container))
                .withEnv(environment(container.env()))
                .withHostConfig(hostConfig(assignment.pod().restartPolicy(), container.resources()));
        // as in Kubernetes: command replaces the image's entrypoint, args its cmd
        if (!container.command().isEmpty()) {
            create.withEntrypoint(container.command());
        }
        if (!container.args().isEmpty()) {
            create.withCmd(container.args());
        }
        return create;
    }

    private static List<String> environment(Map<String, String> env) {
        return env.entrySet().stream().map(variable -> variable.getKey() + "=" + variable.getValue()).toList();
    }

    private static HostConfig hostConfig(org.outpost.workload.RestartPolicy restartPolicy, Resources resources) {
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(NETWORK_MODE)
                .withRestartPolicy(restartPolicy(restartPolicy));
        Resources limits = resources == null ? Resources.NONE : resources;
        if (limits.cpuLimitMillis() > 0) {
            host.withNanoCPUs(limits.cpuLimitMillis() * 1_000_000L);
        }
        if (limits.memoryLimitBytes() > 0) {
            // swap as large as the memory limit: no swap beyond it
            host.withMemory(limits.memoryLimitBytes()).withMemorySwap(limits.memoryLimitBytes());
        }
        return host;
    }

    /**
     * The engine restarts exited containers itself, waiting twice as long before each try (reset
     * after a run of 10 s): the back-off Kubernetes applies to a crash-looping pod.
     */
    static RestartPolicy restartPolicy(org.outpost.workload.RestartPolicy policy) {
        return switch (policy == null ? org.outpost.workload.RestartPolicy.ALWAYS : policy) {
            case ALWAYS -> RestartPolicy.alwaysRestart();
            case ON_FAILURE -> RestartPolicy.onFailureRestart(0); // 0: no limit on tries
            case NEVER -> RestartPolicy.noRestart();
        };
    }
}
