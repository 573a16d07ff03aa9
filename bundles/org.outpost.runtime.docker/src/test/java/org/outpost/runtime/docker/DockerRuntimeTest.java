package org.outpost.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.outpost.api.ErrorCode;
import org.outpost.api.LocalNode;
import org.outpost.api.OutpostException;
import org.outpost.workload.Assignment;
import org.outpost.workload.Container;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.InstanceStatus.Phase;
import org.outpost.workload.Kind;
import org.outpost.workload.PodTemplate;
import org.outpost.workload.Resources;
import org.outpost.workload.RestartPolicy;

import com.github.dockerjava.api.command.InspectContainerResponse;

/** The runtime against a real Docker Engine of the tests' own (no mocks). */
@ExtendWith(PrivateDockerEngine.class)
class DockerRuntimeTest {

    private static final String IMAGE = PrivateDockerEngine.IMAGE;
    private static final List<String> SH = List.of("sh", "-c");

    private PrivateDockerEngine.Engine engine;
    private final List<DockerRuntime> runtimes = new ArrayList<>();
    private final List<String> nodes = new ArrayList<>();

    @BeforeEach
    void engine(PrivateDockerEngine.Engine engine) {
        this.engine = engine;
    }

    @AfterEach
    void removeWhatTheTestStarted() {
        runtimes.forEach(DockerRuntime::deactivate);
        nodes.forEach(engine::removeContainersOf);
    }

    @Test
    void createsAndStartsTheContainerWithoutNetworkWithLabelsAndLimits() {
        String node = node("create");
        DockerRuntime runtime = runtime(node);
        Container web = new Container("web", IMAGE, SH, List.of("sleep 600"), Map.of(),
                new Resources(100, 250, 16 << 20, 64 << 20));
        Assignment assignment = assignment(node, "web-x7k2p", "spec1", RestartPolicy.ALWAYS, web);

        InstanceStatus status = runtime.apply(assignment);

        assertEquals(Phase.Running, status.phase(), status::toString);
        assertEquals("default/web-x7k2p", status.id());
        assertEquals("spec1", status.specHash());
        assertEquals(0, status.restarts());
        assertNull(status.exitCode());
        Instant since = Instant.parse(status.since());
        assertTrue(Duration.between(since, Instant.now()).abs().toSeconds() < 30, status.since());

        InspectContainerResponse inspected = engine.inspect(onlyContainerOf(node));
        assertEquals("/outpost_" + node + "_default_web-x7k2p_web", inspected.getName());
        assertEquals("none", inspected.getHostConfig().getNetworkMode());
        assertEquals(64L << 20, inspected.getHostConfig().getMemory());
        assertEquals(64L << 20, inspected.getHostConfig().getMemorySwap());
        assertEquals(250_000_000L, inspected.getHostConfig().getNanoCPUs());
        assertEquals("always", inspected.getHostConfig().getRestartPolicy().getName());
        assertEquals(Map.of(ContainerLabels.NODE, node, ContainerLabels.INSTANCE, "default/web-x7k2p",
                ContainerLabels.WORKLOAD, "default/web", ContainerLabels.SPEC, "spec1", ContainerLabels.CONTAINER, "web"),
                inspected.getConfig().getLabels());
    }

    @Test
    void commandArgsAndEnvironmentReachTheContainer() {
        String node = node("env");
        DockerRuntime runtime = runtime(node);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GREETING", "hello");
        env.put("TARGET", "outpost world");
        Container echo = new Container("echo", IMAGE, SH, List.of("echo \"$GREETING $TARGET\""), env, Resources.NONE);
        Assignment assignment = assignment(node, "echo-1", "s", RestartPolicy.NEVER, echo);

        runtime.apply(assignment);
        InstanceStatus done = await(() -> runtime.apply(assignment), status -> status.phase() == Phase.Succeeded);

        assertEquals(0, done.exitCode());
        assertEquals(List.of("hello outpost world"), logLines(runtime, assignment.id(), -1));
        InspectContainerResponse inspected = engine.inspect(onlyContainerOf(node));
        assertEquals(SH, List.of(inspected.getConfig().getEntrypoint()));
        assertEquals(List.of("echo \"$GREETING $TARGET\""), List.of(inspected.getConfig().getCmd()));
    }

    @Test
    void aNewRuntimeAdoptsTheContainersAnEarlierOneStarted() {
        String node = node("adopt");
        Assignment assignment = assignment(node, "web-1", "spec1", RestartPolicy.ALWAYS, sleeper("web"));
        DockerRuntime before = runtime(node);
        assertEquals(Phase.Running, before.apply(assignment).phase());
        String containerId = onlyContainerOf(node);
        before.deactivate();
        runtimes.remove(before);

        // as after an agent restart: nothing is known but what the engine holds
        DockerRuntime after = runtime(node);
        List<InstanceStatus> found = after.instances();
        assertEquals(1, found.size(), found::toString);
        assertEquals("default/web-1", found.get(0).id());
        assertEquals("spec1", found.get(0).specHash());
        assertEquals(Phase.Running, found.get(0).phase());

        assertEquals(Phase.Running, after.apply(assignment).phase());
        assertEquals(Phase.Running, after.apply(assignment).phase());
        assertEquals(List.of(containerId), containerIdsOf(node));
    }

    @Test
    void aStoppedContainerIsStartedAgainWhenItsPolicyWantsItRunning() {
        String node = node("restart");
        DockerRuntime runtime = runtime(node);
        Assignment assignment = assignment(node, "web-1", "spec1", RestartPolicy.ALWAYS, sleeper("web"));
        runtime.apply(assignment);
        String containerId = onlyContainerOf(node);
        // as `docker stop`: the engine does not restart a container someone stopped
        engine.client().stopContainerCmd(containerId).withTimeout(0).exec();
        await(() -> engine.inspect(containerId).getState().getStatus(), "exited"::equals);

        assertEquals(Phase.Running, runtime.apply(assignment).phase());
        assertEquals(List.of(containerId), containerIdsOf(node));
        assertTrue(engine.inspect(containerId).getState().getRunning());
    }

    @Test
    void aNewSpecReplacesTheContainer() {
        String node = node("spec");
        DockerRuntime runtime = runtime(node);
        runtime.apply(assignment(node, "web-1", "spec1", RestartPolicy.ALWAYS, sleeper("web")));
        String first = onlyContainerOf(node);

        InstanceStatus status = runtime.apply(assignment(node, "web-1", "spec2", RestartPolicy.ALWAYS, sleeper("web")));

        assertEquals(Phase.Running, status.phase());
        assertEquals("spec2", status.specHash());
        String second = onlyContainerOf(node);
        assertNotEquals(first, second);
        assertEquals("spec2", engine.inspect(second).getConfig().getLabels().get(ContainerLabels.SPEC));
    }

    @Test
    void aMissingImageFailsTheInstanceAndIsNotPulled() {
        String node = node("image");
        DockerRuntime runtime = runtime(node);
        Container absent = new Container("app", "outpost/absent:1", List.of(), List.of(), Map.of(), Resources.NONE);

        InstanceStatus status = runtime.apply(assignment(node, "app-1", "s", RestartPolicy.ALWAYS, absent));

        assertEquals(Phase.Failed, status.phase());
        assertEquals("image outpost/absent:1 is not on this node (Outpost never pulls images)", status.reason());
        assertTrue(engine.containersOf(node).isEmpty());
        assertFalse(engine.hasImage("outpost/absent:1"));
    }

    @Test
    void aCrashLoopIsFailedWithItsExitCodeAndRestarts() {
        String node = node("crash");
        DockerRuntime runtime = runtime(node);
        Container crasher = new Container("crasher", IMAGE, SH, List.of("exit 3"), Map.of(), Resources.NONE);
        Assignment assignment = assignment(node, "crasher-1", "s", RestartPolicy.ALWAYS, crasher);
        runtime.apply(assignment);

        InstanceStatus status = await(() -> runtime.apply(assignment),
                current -> current.phase() == Phase.Failed && current.restarts() >= 2 && current.exitCode() != null);

        assertTrue(status.reason().startsWith("CrashLoopBackOff: exit code 3, restarted "), status.reason());
        assertEquals(3, status.exitCode());
        assertEquals(1, containerIdsOf(node).size(), "the engine restarts the container; the runtime makes no new one");
    }

    @Test
    void aContainerUpAgainAfterACrashCountsAsRunningOnlyOnceItStaysUp() {
        String node = node("recover");
        DockerRuntime runtime = runtime(node);
        // fails once, then runs: the marker file survives the engine's restart of the same container
        Container flaky = new Container("flaky", IMAGE, SH,
                List.of("if [ -f /tmp/once ]; then sleep 1000; else echo > /tmp/once; exit 4; fi"), Map.of(), Resources.NONE);
        Assignment assignment = assignment(node, "flaky-1", "s", RestartPolicy.ALWAYS, flaky);
        runtime.apply(assignment);

        InstanceStatus backingOff = await(() -> runtime.apply(assignment), current -> current.restarts() == 1
                && current.phase() == Phase.Failed && current.exitCode() == null);
        assertTrue(backingOff.reason().startsWith("CrashLoopBackOff: restarted 1 times, up again for less than 10 s"),
                backingOff.reason());

        InstanceStatus recovered = await(() -> runtime.apply(assignment), current -> current.phase() == Phase.Running);
        assertEquals(1, recovered.restarts());
    }

    @Test
    void underPolicyNeverExitZeroSucceedsAndAnotherCodeFails() {
        String node = node("never");
        DockerRuntime runtime = runtime(node);
        Assignment succeeds = assignment(node, "job-ok", "s", RestartPolicy.NEVER,
                new Container("job", IMAGE, SH, List.of("true"), Map.of(), Resources.NONE));
        Assignment fails = assignment(node, "job-bad", "s", RestartPolicy.NEVER,
                new Container("job", IMAGE, SH, List.of("exit 7"), Map.of(), Resources.NONE));
        runtime.apply(succeeds);
        runtime.apply(fails);

        InstanceStatus ok = await(() -> runtime.apply(succeeds), status -> status.phase() != Phase.Running);
        InstanceStatus bad = await(() -> runtime.apply(fails), status -> status.phase() != Phase.Running);

        assertEquals(Phase.Succeeded, ok.phase(), ok::toString);
        assertNull(ok.reason());
        assertEquals(0, ok.exitCode());
        assertEquals(Phase.Failed, bad.phase(), bad::toString);
        assertEquals("exited with code 7", bad.reason());
        assertEquals(7, bad.exitCode());
        assertEquals(0, bad.restarts());
        assertEquals(2, containerIdsOf(node).size(), "finished containers are kept, not started again");
    }

    @Test
    void logsGiveTheTailAndFollowUntilClosed() throws Exception {
        String node = node("logs");
        DockerRuntime runtime = runtime(node);
        Container ticker = new Container("ticker", IMAGE, SH,
                List.of("i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.2; done"), Map.of(), Resources.NONE);
        Assignment assignment = assignment(node, "ticker-1", "s", RestartPolicy.ALWAYS, ticker);
        runtime.apply(assignment);
        await(() -> logLines(runtime, assignment.id(), -1).size(), count -> count >= 5);

        List<String> tail = logLines(runtime, assignment.id(), 2);
        assertEquals(2, tail.size(), tail::toString);
        int last = Integer.parseInt(tail.get(1).substring("tick ".length()));
        assertEquals("tick " + (last - 1), tail.get(0));

        List<String> followed = new CopyOnWriteArrayList<>();
        Closeable following = runtime.logs(assignment.id(), 1, true, followed::add);
        try {
            await(() -> followed.size(), count -> count >= 4);
        } finally {
            following.close();
        }
        int seenWhenClosed = followed.size();
        Thread.sleep(1_000);
        assertEquals(seenWhenClosed, followed.size(), "no line after the handle was closed");
        for (int i = 1; i < followed.size(); i++) {
            int previous = Integer.parseInt(followed.get(i - 1).substring("tick ".length()));
            assertEquals("tick " + (previous + 1), followed.get(i), "one line each, in order");
        }
    }

    @Test
    void logsOfSeveralContainersNameTheirContainer() {
        String node = node("multi");
        DockerRuntime runtime = runtime(node);
        Assignment assignment = assignment(node, "pod-1", "s", RestartPolicy.NEVER,
                new Container("alpha", IMAGE, SH, List.of("echo one; echo two"), Map.of(), Resources.NONE),
                new Container("beta", IMAGE, SH, List.of("echo three >&2"), Map.of(), Resources.NONE));
        runtime.apply(assignment);
        InstanceStatus done = await(() -> runtime.apply(assignment), status -> status.phase() == Phase.Succeeded);

        assertEquals(2, containerIdsOf(node).size(), done::toString);
        assertEquals(List.of("[alpha] one", "[alpha] two", "[beta] three"), logLines(runtime, assignment.id(), -1));
    }

    @Test
    void logsOfAnUnknownInstanceAreNotFound() {
        DockerRuntime runtime = runtime(node("nologs"));

        OutpostException thrown = assertThrows(OutpostException.class,
                () -> runtime.logs("default/nothing", 10, false, line -> {
                }));

        assertEquals(ErrorCode.NOT_FOUND, thrown.code());
    }

    @Test
    void removeStopsAndDeletesTheInstancesContainers() {
        String node = node("remove");
        DockerRuntime runtime = runtime(node);
        Assignment assignment = assignment(node, "pod-1", "s", RestartPolicy.ALWAYS, sleeper("a"), sleeper("b"));
        Assignment other = assignment(node, "pod-2", "s", RestartPolicy.ALWAYS, sleeper("a"));
        runtime.apply(assignment);
        runtime.apply(other);
        assertEquals(3, containerIdsOf(node).size());

        runtime.remove(assignment.id());
        runtime.remove("default/unknown");

        assertEquals(List.of(other.id()), runtime.instances().stream().map(InstanceStatus::id).toList());
        assertEquals(1, containerIdsOf(node).size());
    }

    @Test
    void nodesSharingAnEngineSeeAndRemoveOnlyTheirOwnContainers() {
        String nodeA = node("a");
        String nodeB = node("b");
        DockerRuntime runtimeA = runtime(nodeA);
        DockerRuntime runtimeB = runtime(nodeB);
        // the same namespace and instance name on both nodes
        Assignment onA = assignment(nodeA, "web-1", "s", RestartPolicy.ALWAYS, sleeper("web"));
        Assignment onB = assignment(nodeB, "web-1", "s", RestartPolicy.ALWAYS, sleeper("web"));
        runtimeA.apply(onA);
        runtimeB.apply(onB);
        String containerOfA = onlyContainerOf(nodeA);

        runtimeB.remove(onB.id());

        assertTrue(runtimeB.instances().isEmpty());
        assertEquals(List.of(onA.id()), runtimeA.instances().stream().map(InstanceStatus::id).toList());
        assertEquals(List.of(containerOfA), containerIdsOf(nodeA));
        assertTrue(engine.inspect(containerOfA).getState().getRunning());
        assertThrows(OutpostException.class, () -> runtimeB.logs(onA.id(), 1, false, line -> {
        }));
    }

    @Test
    void theEngineAnswersAndAnAbsentOneIsAProblemNotAWait() {
        DockerRuntime present = runtime(node("ping"));
        assertTrue(present.available());
        assertNull(present.problem());

        DockerRuntime absent = runtime(node("noengine"), "unix:///tmp/outpost-no-such-engine/docker.sock");
        long start = System.nanoTime();
        assertFalse(absent.available());
        String problem = absent.problem();
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 3_000);
        assertNotNull(problem);
        assertTrue(problem.startsWith("Docker Engine at unix:///tmp/outpost-no-such-engine/docker.sock does not answer: "),
                problem);
        OutpostException thrown = assertThrows(OutpostException.class, absent::instances);
        assertEquals(ErrorCode.UNAVAILABLE, thrown.code());
    }

    @Test
    void theTestsRunOnTheBundlesContentNotOnWholeJars() {
        // left out of the bundle by bnd.bnd; present only if the whole Guava jar were on the class path
        assertThrows(ClassNotFoundException.class, () -> Class.forName("com.google.common.cache.CacheBuilder"));
        assertThrows(ClassNotFoundException.class,
                () -> Class.forName("org.apache.commons.compress.archivers.tar.TarArchiveEntry"));
    }

    private String node(String role) {
        String node = role + "-" + UUID.randomUUID().toString().substring(0, 8);
        nodes.add(node);
        return node;
    }

    private DockerRuntime runtime(String node) {
        return runtime(node, engine.host());
    }

    private DockerRuntime runtime(String node, String host) {
        DockerRuntime runtime = new DockerRuntime();
        runtime.localNode = localNode(node);
        runtime.activate(config(host, 1));
        runtimes.add(runtime);
        return runtime;
    }

    private List<String> containerIdsOf(String node) {
        return engine.containersOf(node).stream().map(com.github.dockerjava.api.model.Container::getId).toList();
    }

    private String onlyContainerOf(String node) {
        List<String> ids = containerIdsOf(node);
        assertEquals(1, ids.size(), ids::toString);
        return ids.get(0);
    }

    private static List<String> logLines(DockerRuntime runtime, String id, int tail) {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        try (Closeable done = runtime.logs(id, tail, false, lines::add)) {
            return List.copyOf(lines);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A container that runs until it is stopped; {@code sh} as PID 1 ignores SIGTERM, hence the short stop timeout. */
    private static Container sleeper(String name) {
        return new Container(name, IMAGE, SH, List.of("sleep 600"), Map.of(), Resources.NONE);
    }

    private static Assignment assignment(String node, String instance, String specHash, RestartPolicy policy,
            Container... containers) {
        PodTemplate pod = new PodTemplate(1, Map.of("app", "web"), Map.of("app", "web"), List.of(containers), policy,
                Map.of(), List.of());
        return new Assignment("default", "web", instance, node, Kind.DEPLOYMENT, specHash, pod, null);
    }

    private static <T> T await(Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        T value = probe.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not there after 20 s: " + value);
            }
            sleep(100);
            value = probe.get();
        }
        return value;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static DockerRuntime.Config config(String host, int stopTimeoutSeconds) {
        return new DockerRuntime.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return DockerRuntime.Config.class;
            }

            @Override
            public String host() {
                return host;
            }

            @Override
            public int stopTimeoutSeconds() {
                return stopTimeoutSeconds;
            }
        };
    }

    private static LocalNode localNode(String name) {
        return new LocalNode() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String role() {
                return "agent";
            }

            @Override
            public Path dataDir() {
                return Path.of("/tmp", name);
            }

            @Override
            public Map<String, String> labels() {
                return Map.of();
            }

            @Override
            public String version() {
                return "test";
            }

            @Override
            public Instant started() {
                return Instant.now();
            }
        };
    }
}
