package org.outpost.runtime.docker;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.ErrorCode;
import org.outpost.api.LocalNode;
import org.outpost.api.OutpostException;
import org.outpost.workload.Assignment;
import org.outpost.workload.Container;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.WorkloadRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.DockerCmdExecFactory;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.core.DefaultDockerCmdExecFactory;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;

/**
 * Runs the containers of Deployments and DaemonSets on this node's Docker Engine. Every container
 * carries labels naming this node, its instance, workload, template version (spec hash) and
 * container; the engine is the only record of what runs, so after an agent restart the runtime
 * finds its containers by those labels and adopts them. Several nodes may share one engine: the
 * runtime only ever lists, changes and removes containers with its own node's label.
 *
 * <p>Images are never pulled: an image that is not on the node fails the instance with a reason.
 */
@Component(service = WorkloadRuntime.class, configurationPid = DockerRuntime.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = WorkloadRuntime.NAME_PROPERTY + "=" + WorkloadRuntime.DOCKER)
@Designate(ocd = DockerRuntime.Config.class)
public class DockerRuntime implements WorkloadRuntime {

    public static final String PID = "org.outpost.runtime.docker";

    private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);

    @ObjectClassDefinition(id = PID, name = "Outpost Docker runtime",
            description = "Runs the containers of Deployments and DaemonSets on this node's Docker Engine")
    public @interface Config {

        @AttributeDefinition(name = "Docker Engine",
                description = "The engine's unix socket, e.g. unix:///var/run/docker.sock. Empty for DOCKER_HOST when "
                        + "that names a unix socket, else unix:///var/run/docker.sock.")
        String host() default "";

        @AttributeDefinition(name = "Stop timeout (seconds)",
                description = "How long a container may take to stop after SIGTERM before it is killed", min = "0")
        int stopTimeoutSeconds() default 10;
    }

    /** Set by DS before activation; tests set it themselves. */
    @Reference
    LocalNode localNode;

    // set once in activate, before DS hands the service to anyone
    private String node;
    private URI endpoint;
    private int stopTimeoutSeconds;
    private DockerClient docker;
    private DockerCmdExecFactory commands;
    private EngineHealth health;

    /** Connects lazily: the engine may be absent or start later, and activation must not wait for it. */
    @Activate
    void activate(Config config) {
        node = localNode.name();
        endpoint = EngineEndpoint.resolve(config.host(), System.getenv("DOCKER_HOST"));
        stopTimeoutSeconds = Math.max(0, config.stopTimeoutSeconds());
        EngineClientConfig engineConfig = new EngineClientConfig(endpoint);
        DockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(endpoint).build();
        // made here rather than inside the client, to create containers with EnvHidingCreateContainerCmd
        commands = new DefaultDockerCmdExecFactory(http, engineConfig.getObjectMapper());
        docker = DockerClientImpl.getInstance(engineConfig).withDockerCmdExecFactory(commands);
        health = new EngineHealth(endpoint.toString(), () -> docker.pingCmd().exec());
        LOG.info("Docker runtime of node {} uses the engine at {}", node, endpoint);
    }

    @Deactivate
    void deactivate() {
        health.close();
        try {
            docker.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the Docker client failed", e);
        }
    }

    @Override
    public String name() {
        return DOCKER;
    }

    @Override
    public boolean available() {
        return health.problem() == null;
    }

    @Override
    public String problem() {
        return health.problem();
    }

    @Override
    public InstanceStatus apply(Assignment assignment) {
        return talkingToEngine(() -> reconcile(assignment));
    }

    @Override
    public void remove(String id) {
        talkingToEngine(() -> {
            for (NodeContainer container : listContainers(ContainerLabels.ofInstance(node, id))) {
                stopAndRemove(container.id());
            }
            return null;
        });
    }

    @Override
    public List<InstanceStatus> instances() {
        return talkingToEngine(() -> {
            Map<String, List<NodeContainer>> byInstance = listContainers(ContainerLabels.ofNode(node)).stream()
                    .filter(container -> container.instanceId() != null)
                    .collect(Collectors.groupingBy(NodeContainer::instanceId, TreeMap::new, Collectors.toList()));
            List<InstanceStatus> statuses = new ArrayList<>();
            byInstance.forEach((id, containers) -> {
                List<ContainerView> views = containers.stream().map(container -> inspect(container.id()))
                        .flatMap(Optional::stream).map(ContainerView::of).toList();
                if (!views.isEmpty()) {
                    statuses.add(InstanceStatuses.of(id, containers.get(0).specHash(), views, Instant.now()));
                }
            });
            return statuses;
        });
    }

    @Override
    public Closeable logs(String id, int tailLines, boolean follow, Consumer<String> lines) {
        List<NodeContainer> containers = talkingToEngine(
                () -> listContainers(ContainerLabels.ofInstance(node, id)));
        if (containers.isEmpty()) {
            throw new OutpostException(ErrorCode.NOT_FOUND, "instance " + id + " has no containers on node " + node);
        }
        List<NodeContainer> ordered = containers.stream()
                .sorted(Comparator.comparing(container -> String.valueOf(container.containerName())))
                .toList();
        Object delivery = new Object();
        List<LogLines> streams = new ArrayList<>();
        return talkingToEngine(() -> {
            try {
                for (NodeContainer container : ordered) {
                    String prefix = ordered.size() > 1 ? "[" + container.containerName() + "] " : "";
                    LogContainerCmd command = docker.logContainerCmd(container.id())
                            .withStdOut(true).withStdErr(true).withTimestamps(false).withFollowStream(follow);
                    LogLines stream = (tailLines < 0 ? command.withTailAll() : command.withTail(tailLines))
                            .exec(new LogLines(prefix, lines, delivery));
                    streams.add(stream);
                    if (!follow) {
                        // one container after the other, so that each one's lines stay together
                        stream.awaitCompletion();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeAll(streams);
                throw new OutpostException(ErrorCode.UNAVAILABLE, "interrupted while reading the logs of " + id, e);
            } catch (RuntimeException e) {
                closeAll(streams);
                throw e;
            }
            return () -> closeAll(streams);
        });
    }

    /** Makes the instance's containers match the assignment; see {@link WorkloadRuntime#apply}. */
    private InstanceStatus reconcile(Assignment assignment) {
        if (assignment.pod() == null || assignment.pod().containers().isEmpty()) {
            return InstanceStatus.failed(assignment, "no containers to run: the docker runtime runs Deployments and DaemonSets",
                    Instant.now().toString());
        }
        List<Container> template = assignment.pod().containers();
        Set<String> wanted = template.stream().map(Container::name).collect(Collectors.toSet());
        // by container name: the one of this template version to keep, and everything else to remove
        Map<String, NodeContainer> current = new LinkedHashMap<>();
        List<NodeContainer> outdated = new ArrayList<>();
        for (NodeContainer found : listContainers(ContainerLabels.ofInstance(node, assignment.id()))) {
            boolean keep = wanted.contains(found.containerName()) && assignment.specHash().equals(found.specHash())
                    && !current.containsKey(found.containerName());
            if (keep) {
                current.put(found.containerName(), found);
            } else {
                outdated.add(found);
            }
        }

        // checked before anything is removed: a new template whose image is missing leaves the old containers be
        Optional<String> missingImage = template.stream().filter(container -> !current.containsKey(container.name()))
                .map(Container::image).filter(image -> !imagePresent(image)).findFirst();
        if (missingImage.isPresent()) {
            return InstanceStatus.failed(assignment,
                    "image " + missingImage.get() + " is not on this node (Outpost never pulls images)",
                    Instant.now().toString());
        }

        for (NodeContainer container : outdated) {
            LOG.info("Removing container {} ({}) of {}: template version {} wanted, it has {}", container.id(),
                    container.containerName(), assignment.id(), assignment.specHash(), container.specHash());
            stopAndRemove(container.id());
        }
        List<ContainerView> views = new ArrayList<>();
        for (Container container : template) {
            NodeContainer found = current.get(container.name());
            views.add(found == null ? createAndStart(assignment, container) : adopt(assignment, container, found.id()));
        }
        return InstanceStatuses.of(assignment.id(), assignment.specHash(), views, Instant.now());
    }

    private ContainerView createAndStart(Assignment assignment, Container container) {
        String name = ContainerLabels.containerName(node, assignment, container);
        String containerId;
        try {
            containerId = ContainerSettings.createCommand(commands.createCreateContainerCmdExec(), node, assignment, container)
                    .exec().getId();
        } catch (DockerException e) {
            return ContainerView.failed(container.name(), "cannot create container " + name + ": " + Failures.describe(e));
        }
        LOG.info("Created container {} ({}) for {} from image {}", name, containerId, assignment.id(), container.image());
        return start(container, containerId);
    }

    /** Keeps a container of the same template; starts it when it is stopped and its restart policy wants it up. */
    private ContainerView adopt(Assignment assignment, Container container, String containerId) {
        Optional<InspectContainerResponse> inspected = inspect(containerId);
        if (inspected.isEmpty()) {
            return ContainerView.missing(container.name());
        }
        InspectContainerResponse.ContainerState state = inspected.get().getState();
        String restartPolicy = ContainerSettings.restartPolicy(assignment.pod().restartPolicy()).getName();
        long exitCode = state.getExitCodeLong() == null ? 0 : state.getExitCodeLong();
        boolean neverStarted = "created".equals(state.getStatus());
        boolean stoppedButWanted = "exited".equals(state.getStatus()) && ContainerView.restartWanted(restartPolicy, exitCode);
        if (neverStarted || stoppedButWanted) {
            LOG.info("Starting container {} of {} again", containerId, assignment.id());
            return start(container, containerId);
        }
        return ContainerView.of(inspected.get());
    }

    private ContainerView start(Container container, String containerId) {
        try {
            docker.startContainerCmd(containerId).exec();
        } catch (NotModifiedException alreadyRunning) {
            // started meanwhile, by the engine's restart policy
        } catch (DockerException e) {
            return ContainerView.failed(container.name(), "cannot start container " + container.name() + ": " + Failures.describe(e));
        }
        return inspect(containerId).map(ContainerView::of).orElseGet(() -> ContainerView.missing(container.name()));
    }

    private void stopAndRemove(String containerId) {
        try {
            docker.stopContainerCmd(containerId).withTimeout(stopTimeoutSeconds).exec();
        } catch (NotModifiedException notRunning) {
            // exited, created or between restarts: nothing to stop
        } catch (NotFoundException gone) {
            return;
        }
        try {
            docker.removeContainerCmd(containerId).withForce(true).exec();
            LOG.info("Removed container {}", containerId);
        } catch (NotFoundException gone) {
            // removed meanwhile
        }
    }

    private List<NodeContainer> listContainers(Map<String, String> labels) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().stream()
                .map(NodeContainer::of).toList();
    }

    private Optional<InspectContainerResponse> inspect(String containerId) {
        try {
            return Optional.of(docker.inspectContainerCmd(containerId).exec());
        } catch (NotFoundException gone) {
            return Optional.empty();
        }
    }

    private boolean imagePresent(String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static void closeAll(List<? extends Closeable> streams) {
        for (Closeable stream : streams) {
            try {
                stream.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Closing a log stream failed", e);
            }
        }
    }

    /**
     * Runs calls to the engine: an error the engine answers with is reported as such, a failure to
     * reach it as the engine being unavailable.
     */
    private <T> T talkingToEngine(Supplier<T> calls) {
        try {
            return calls.get();
        } catch (DockerException e) {
            throw new OutpostException(ErrorCode.INTERNAL,
                    "Docker Engine at " + endpoint + " answered: " + Failures.describe(e), e);
        } catch (RuntimeException e) {
            if (Failures.isUnreachable(e)) {
                throw new OutpostException(ErrorCode.UNAVAILABLE, health.unanswered(Failures.describe(e)), e);
            }
            throw e;
        }
    }
}
