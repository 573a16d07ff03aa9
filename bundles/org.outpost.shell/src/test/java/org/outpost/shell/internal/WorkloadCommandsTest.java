package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.NodeStatus;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.workload.Applied;
import org.outpost.workload.Assignment;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.Instance;
import org.outpost.workload.WorkloadLogs;
import org.outpost.workload.WorkloadProgress;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadRegistry;

import com.fasterxml.jackson.databind.JsonNode;

class WorkloadCommandsTest {
    private static final String MANIFEST = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: thermo}
            spec:
              replicas: 3
              selector: {matchLabels: {app: thermo}}
              template:
                metadata: {labels: {app: thermo}}
                spec: {containers: [{name: thermo, image: outpost/busybox:1}]}
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: shipper, namespace: edge}
            spec:
              selector: {matchLabels: {app: ship}}
              template:
                metadata: {labels: {app: ship}}
                spec:
                  nodeSelector: {site: plant-a}
                  containers: [{name: ship, image: outpost/busybox:1}]
            """;

    @TempDir
    Path dir;

    private final MemoryRegistry registry = new MemoryRegistry();

    @Test
    void deployAppliesEveryWorkloadAndSaysWhatItDid() throws Exception {
        Path file = Files.writeString(dir.resolve("thermo.yaml"), MANIFEST);

        assertEquals("deployment/thermo created (3 replicas)\ndaemonset/shipper created (every matching node)\n", deploy(file));
        assertEquals("deployment/thermo unchanged (3 replicas)\ndaemonset/shipper unchanged (every matching node)\n", deploy(file));
        Files.writeString(file, MANIFEST.replace("replicas: 3", "replicas: 1"));
        assertEquals("deployment/thermo configured (1 replica)\ndaemonset/shipper unchanged (every matching node)\n", deploy(file));
    }

    @Test
    void aBadManifestIsRefusedWithItsLinesAndNothingIsStored() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), MANIFEST.replace("image: outpost/busybox:1}]}\n---",
                "image: outpost/busybox:1, ports: [{containerPort: 80}]}]}\n---"));

        CommandException e = assertThrows(CommandException.class, () -> deploy(file));

        assertEquals("bad.yaml:9: spec.template.spec.containers[0].ports: Outpost containers run with network mode none; remove ports",
                e.getMessage());
        assertTrue(registry.stored.isEmpty());
    }

    @Test
    void deployNamesAMissingFile() {
        CommandException e = assertThrows(CommandException.class, () -> deploy(dir.resolve("nope.yaml")));
        assertEquals("no manifest file " + dir.resolve("nope.yaml"), e.getMessage());
    }

    /** Places an instance of default/thermo (or another) as the scheduler would, with what its node reported. */
    private void place(String workload, String instance, String node, String specHash, InstanceStatus.Phase phase, String reason) {
        StoredWorkload w = registry.stored.values().stream().filter(s -> s.workload().name().equals(workload)).findFirst().orElseThrow();
        Assignment a = new Assignment(w.workload().namespace(), workload, instance, node, w.workload().kind(), specHash,
                w.workload().pod(), w.workload().bundles());
        InstanceStatus status = phase == null ? null
                : new InstanceStatus(a.id(), specHash, phase, reason, phase == InstanceStatus.Phase.Failed ? 4 : 0, null,
                        Fakes.NOW.minusSeconds(30).toString());
        registry.instances.computeIfAbsent(w.workload().namespace() + "/" + workload, k -> new ArrayList<>())
                .add(new Instance(a, status));
    }

    @Test
    void workloadsListsWhatWasAppliedWithWhatItWants() throws Exception {
        deploy(Files.writeString(dir.resolve("m.yaml"), MANIFEST));
        place("thermo", "thermo-aaaaa", "gw-1", "v2", InstanceStatus.Phase.Running, null);
        place("thermo", "thermo-bbbbb", "gw-2", "v1", InstanceStatus.Phase.Running, null);
        place("thermo", "thermo-ccccc", "gw-2", "v2", InstanceStatus.Phase.Pending, "image is being created");
        registry.progress.put("default/thermo", new WorkloadProgress("v2", "rolling: 2 of 3 updated", null));
        WorkloadsCommand list = new WorkloadsCommand();
        list.registry = registry;
        list.nodes = new Fakes.Registry(
                Fakes.node("gw-1", NodeStatus.Ready, Duration.ofMinutes(3), Map.of("site", "plant-a")),
                Fakes.node("gw-2", NodeStatus.Ready, Duration.ofMinutes(3), Map.of("site", "plant-b")),
                Fakes.node("gw-3", NodeStatus.NotReady, Duration.ofMinutes(3), Map.of("site", "plant-a")));

        String table = Fakes.capture(list).run();

        assertEquals(String.join("\n",
                "NAME          KIND        READY  UP-TO-DATE  NODES      AGE",
                "thermo        Deployment  2/3    2           gw-1,gw-2  0s",
                "edge/shipper  DaemonSet   0/1    0           <none>     0s", ""), table);

        list.output = "json";
        JsonNode items = Json.MAPPER.readTree(Fakes.capture(list).run()).path("items");
        assertEquals(2, items.size());
        assertEquals("thermo", items.get(0).path("name").asText());
        assertEquals(3, items.get(0).path("desired").asInt());
        assertEquals(2, items.get(0).path("ready").asInt());
        assertEquals("rolling: 2 of 3 updated", items.get(0).path("rollout").asText());
        assertEquals("gw-2", items.get(0).path("instances").get(2).path("assignment").path("node").asText());
        assertEquals("Deployment", items.get(0).path("spec").path("kind").asText());
        assertEquals("edge", items.get(1).path("namespace").asText());
        assertEquals(1, items.get(1).path("desired").asInt());
    }

    @Test
    void workloadCommandsRunOnlyOnTheServer() {
        WorkloadsCommand list = new WorkloadsCommand();
        CommandException e = assertThrows(CommandException.class, () -> Fakes.capture(list).run());
        assertEquals(EdgeAction.serverOnlyMessage(null, "workload"), e.getMessage());
    }

    @Test
    void scaleChangesADeploymentsReplicas() throws Exception {
        deploy(Files.writeString(dir.resolve("m.yaml"), MANIFEST));

        assertEquals("deployment/thermo scaled (5 replicas)\n", scale("thermo", "5"));
        assertEquals(5, registry.get("default", "thermo").orElseThrow().workload().pod().replicas());
        assertEquals(2, registry.get("default", "thermo").orElseThrow().generation());
        assertEquals("deployment/thermo unchanged (5 replicas)\n", scale("thermo", "5"));
        assertEquals("deployment/thermo scaled (0 replicas)\n", scale("thermo", "0"));
    }

    @Test
    void scaleRefusesWhatCannotScale() throws Exception {
        deploy(Files.writeString(dir.resolve("m.yaml"), MANIFEST));

        assertEquals("daemonset/shipper runs on every matching node; only Deployments and Replicas-mode BundleDeployments scale",
                assertThrows(CommandException.class, () -> scale("edge/shipper", "2")).getMessage());
        assertEquals("replicas must be a whole number, 0 or more, got 'many'",
                assertThrows(CommandException.class, () -> scale("thermo", "many")).getMessage());
        assertEquals("replicas must be a whole number, 0 or more, got '-1'",
                assertThrows(CommandException.class, () -> scale("thermo", "-1")).getMessage());
        assertEquals("workload nope not found (see edge:workloads)",
                assertThrows(CommandException.class, () -> scale("nope", "1")).getMessage());
        assertEquals(3, registry.get("default", "thermo").orElseThrow().workload().pod().replicas(), "nothing changed");
    }

    @Test
    void replicasBeyondTheLimitAreRefusedNotClamped() throws Exception {
        deploy(Files.writeString(dir.resolve("m.yaml"), MANIFEST));
        String limit = "a workload may have at most 1000 (maxReplicasPerWorkload in etc/org.outpost.server.cfg)";

        assertEquals("Deployment default/thermo asks for 1001 replicas; " + limit,
                assertThrows(CommandException.class, () -> scale("thermo", "1001")).getMessage());
        assertEquals("Deployment default/thermo asks for 99999999999 replicas; " + limit,
                assertThrows(CommandException.class, () -> scale("thermo", "99999999999")).getMessage());
        assertEquals(3, registry.get("default", "thermo").orElseThrow().workload().pod().replicas(), "nothing changed");
        assertEquals("deployment/thermo scaled (1000 replicas)\n", scale("thermo", "1000"));

        Path big = Files.writeString(dir.resolve("big.yaml"), MANIFEST.replace("replicas: 3", "replicas: 100000"));
        assertEquals("big.yaml:5: spec.replicas: 100000 is more than the limit of 1000 replicas per workload"
                + " (maxReplicasPerWorkload in etc/org.outpost.server.cfg)",
                assertThrows(CommandException.class, () -> deploy(big)).getMessage());
    }

    @Test
    void aManifestOverOneMebibyteIsRefusedUnread() throws Exception {
        Path huge = Files.writeString(dir.resolve("huge.yaml"), "# " + "x".repeat(1 << 20) + "\n" + MANIFEST);

        CommandException e = assertThrows(CommandException.class, () -> deploy(huge));

        assertEquals(huge.toAbsolutePath() + " is " + Files.size(huge) + " bytes long; a manifest may have at most 1048576 bytes (1 MiB);"
                + " split it into several files", e.getMessage());
        assertEquals(List.of(), registry.list());
    }

    @Test
    void deleteRemovesOneWorkloadByNameOrNamespaceSlashName() throws Exception {
        deploy(Files.writeString(dir.resolve("m.yaml"), MANIFEST));

        assertEquals("deployment/thermo deleted\n", delete("thermo"));
        assertEquals("daemonset/shipper deleted\n", delete("edge/shipper"));
        assertTrue(registry.stored.isEmpty());
        assertEquals("workload thermo not found (see edge:workloads)",
                assertThrows(CommandException.class, () -> delete("thermo")).getMessage());
    }

    @Test
    void workloadDescribesOne() throws Exception {
        deploy(Files.writeString(dir.resolve("m.yaml"), MANIFEST.replace("spec: {containers: [{name: thermo, image: outpost/busybox:1}]}",
                "spec: {containers: [{name: thermo, image: outpost/busybox:1, args: [sleep, '60'],"
                        + " resources: {requests: {cpu: 50m, memory: 16Mi}, limits: {memory: 64Mi}}}]}")));
        place("thermo", "thermo-aaaaa", "gw-1", "v1", InstanceStatus.Phase.Running, null);
        place("thermo", "thermo-bbbbb", "gw-2", "v1", InstanceStatus.Phase.Failed, "CrashLoopBackOff: exit code 3, restarted 4 times");
        place("thermo", "thermo-ccccc", "gw-3", "v1", null, null);
        registry.progress.put("default/thermo", new WorkloadProgress("v1", "complete",
                "1 of 3 replicas unschedulable: 0/3 nodes are available: 3 with insufficient memory"));
        WorkloadCommand show = new WorkloadCommand();
        show.registry = registry;
        show.name = "thermo";

        assertEquals(String.join("\n",
                "name: thermo",
                "namespace: default",
                "kind: Deployment",
                "labels: <none>",
                "generation: 1",
                "created: 2025-06-01T12:00:00Z",
                "instances: 1 running of 3 wanted",
                "rollout: complete",
                "unschedulable: 1 of 3 replicas unschedulable: 0/3 nodes are available: 3 with insufficient memory",
                "nodeSelector: <none>",
                "restartPolicy: Always",
                "container thermo: outpost/busybox:1, runs sleep 60 (requests cpu 50m, memory 16.0Mi; limits cpu -, memory 64.0Mi)",
                "",
                "INSTANCE      NODE  PHASE    RESTARTS  SINCE  REASON",
                "thermo-aaaaa  gw-1  Running  0         30s",
                "thermo-bbbbb  gw-2  Failed   4         30s    CrashLoopBackOff: exit code 3, restarted 4 times",
                "thermo-ccccc  gw-3  Pending  0         -      not reported by its node yet",
                ""), Fakes.capture(show).run());

        show.trailing = List.of("-o", "json"); // as typed: edge:workload thermo -o json
        JsonNode json = Json.MAPPER.readTree(Fakes.capture(show).run());
        assertEquals(3, json.path("desired").asInt());
        assertEquals("outpost/busybox:1", json.path("spec").path("pod").path("containers").get(0).path("image").asText());

        show.name = "edge/nope";
        assertEquals("workload edge/nope not found (see edge:workloads)",
                assertThrows(CommandException.class, () -> Fakes.capture(show).run()).getMessage());
    }

    @Test
    void rollbackReturnsToThePreviousSpecOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("m.yaml"), MANIFEST);
        deploy(file);
        RollbackCommand rollback = new RollbackCommand();
        rollback.registry = registry;
        rollback.name = "thermo";
        assertEquals("workload default/thermo has no earlier revision to roll back to",
                assertThrows(CommandException.class, () -> Fakes.capture(rollback).run()).getMessage());

        deploy(Files.writeString(file, MANIFEST.replace("image: outpost/busybox:1}]}\n---", "image: outpost/broken:1}]}\n---")));
        assertEquals("outpost/broken:1", registry.get("default", "thermo").orElseThrow().workload().pod().containers().get(0).image());

        assertEquals("deployment/thermo rolled back (generation 3)\n", Fakes.capture(rollback).run());
        assertEquals("outpost/busybox:1", registry.get("default", "thermo").orElseThrow().workload().pod().containers().get(0).image());
    }

    @Test
    void cordonUncordonAndDrain() throws Exception {
        deploy(Files.writeString(dir.resolve("m.yaml"), MANIFEST));
        place("thermo", "thermo-aaaaa", "gw-1", "v1", InstanceStatus.Phase.Running, null);
        place("thermo", "thermo-bbbbb", "gw-2", "v1", InstanceStatus.Phase.Running, null);
        place("shipper", "shipper-ccccc", "gw-1", "v1", InstanceStatus.Phase.Running, null);
        Fakes.Registry nodes = new Fakes.Registry(Fakes.node("gw-1", NodeStatus.Ready, Duration.ofMinutes(3), Map.of()));
        CordonCommand cordon = new CordonCommand();
        cordon.registry = nodes;
        cordon.name = "gw-1";
        assertEquals("node/gw-1 cordoned\n", Fakes.capture(cordon).run());
        assertTrue(nodes.get("gw-1").orElseThrow().cordoned());

        UncordonCommand uncordon = new UncordonCommand();
        uncordon.registry = nodes;
        uncordon.name = "gw-1";
        assertEquals("node/gw-1 uncordoned\n", Fakes.capture(uncordon).run());
        assertTrue(!nodes.get("gw-1").orElseThrow().cordoned());

        DrainCommand drain = new DrainCommand();
        drain.registry = nodes;
        drain.workloads = registry;
        drain.name = "gw-1";
        assertEquals("node/gw-1 cordoned\nevicting instance default/thermo-aaaaa\nnode/gw-1 drained\n", Fakes.capture(drain).run());
        assertTrue(nodes.get("gw-1").orElseThrow().cordoned());
        assertEquals(List.of("gw-2"), registry.instances("default", "thermo").stream().map(i -> i.assignment().node()).toList());
        assertEquals(1, registry.instances("edge", "shipper").size(), "DaemonSet instances stay");

        cordon.name = "gw-9";
        assertEquals("node gw-9 not found", assertThrows(CommandException.class, () -> Fakes.capture(cordon).run()).getMessage());
    }

    /** Answers like an agent would: two lines per instance, or an error for gw-9. */
    private static final class EchoLogs implements WorkloadLogs {
        final List<String> requests = new ArrayList<>();

        @Override
        public java.io.Closeable stream(String node, String id, int tailLines, boolean follow, Listener listener) {
            requests.add(node + " " + id + " tail=" + tailLines + " follow=" + follow);
            if (node.equals("gw-9")) {
                throw new OutpostException(ErrorCode.UNAVAILABLE, "node gw-9 is not connected; its logs can be read when it is back");
            }
            new Thread(() -> {
                listener.line("hello from " + id);
                listener.line("bye from " + id);
                listener.ended(node.equals("gw-2") ? "instance " + id + " is not assigned to node gw-2" : null);
            }).start();
            return () -> requests.add("closed " + id);
        }
    }

    @Test
    void logsReadEveryInstanceFromItsNode() throws Exception {
        deploy(Files.writeString(dir.resolve("m.yaml"), MANIFEST));
        place("thermo", "thermo-aaaaa", "gw-1", "v1", InstanceStatus.Phase.Running, null);
        place("thermo", "thermo-bbbbb", "gw-9", "v1", InstanceStatus.Phase.Running, null);
        EchoLogs echo = new EchoLogs();
        LogsCommand logs = new LogsCommand();
        logs.registry = registry;
        logs.logs = echo;
        logs.name = "thermo";
        logs.tail = "10";

        assertEquals(String.join("\n",
                "[thermo-aaaaa@gw-1] hello from default/thermo-aaaaa",
                "[thermo-aaaaa@gw-1] bye from default/thermo-aaaaa",
                "[thermo-bbbbb@gw-9] (node gw-9 is not connected; its logs can be read when it is back)", ""),
                Fakes.capture(logs).run());
        assertEquals("gw-1 default/thermo-aaaaa tail=10 follow=false", echo.requests.get(0));

        logs.node = "gw-1";
        assertEquals("hello from default/thermo-aaaaa\nbye from default/thermo-aaaaa\n", Fakes.capture(logs).run());

        logs.node = "gw-9";
        assertEquals("node gw-9 is not connected; its logs can be read when it is back",
                assertThrows(CommandException.class, () -> Fakes.capture(logs).run()).getMessage());

        logs.node = "gw-1";
        logs.tail = "many";
        assertEquals("--tail must be a whole number of lines, 0 or more, got 'many'",
                assertThrows(CommandException.class, () -> Fakes.capture(logs).run()).getMessage());
        logs.tail = "10";
        logs.node = "gw-7";
        assertEquals("deployment/thermo has no instances on node gw-7 (see edge:workload thermo)",
                assertThrows(CommandException.class, () -> Fakes.capture(logs).run()).getMessage());

        logs.node = null;
        logs.trailing = List.of("--node", "gw-1", "--follow"); // as typed: edge:logs thermo --node gw-1 --follow
        assertEquals("hello from default/thermo-aaaaa\nbye from default/thermo-aaaaa\n", Fakes.capture(logs).run(),
                "a follow ends when the node ends the stream");
        assertTrue(echo.requests.contains("closed default/thermo-aaaaa"));
    }

    private String scale(String name, String replicas) throws Exception {
        ScaleCommand scale = new ScaleCommand();
        scale.registry = registry;
        scale.name = name;
        scale.replicas = replicas;
        return Fakes.capture(scale).run();
    }

    private String delete(String name) throws Exception {
        DeleteCommand delete = new DeleteCommand();
        delete.registry = registry;
        delete.name = name;
        return Fakes.capture(delete).run();
    }

    private String deploy(Path file) throws Exception {
        DeployCommand deploy = new DeployCommand();
        deploy.registry = registry;
        deploy.file = file.toString();
        return Fakes.capture(deploy).run();
    }

    /** Applies in memory the way the server's registry does: created, configured or unchanged. */
    static final class MemoryRegistry implements WorkloadRegistry {
        final Map<String, StoredWorkload> stored = new TreeMap<>();
        final Map<String, Workload> previous = new TreeMap<>();
        final Map<String, List<Instance>> instances = new TreeMap<>();
        final Map<String, WorkloadProgress> progress = new TreeMap<>();

        @Override
        public List<Applied> apply(List<Workload> workloads) {
            List<Applied> result = new ArrayList<>();
            for (Workload w : workloads) {
                String key = w.namespace() + "/" + w.name();
                StoredWorkload before = stored.get(key);
                if (before != null && before.workload().equals(w)) {
                    result.add(new Applied(w, Applied.Outcome.UNCHANGED, before.generation()));
                    continue;
                }
                long generation = before == null ? 1 : before.generation() + 1;
                if (before != null) {
                    previous.put(key, before.workload());
                }
                stored.put(key, new StoredWorkload(w, generation, Fakes.NOW.toString(), stored.size() + 1));
                result.add(new Applied(w, before == null ? Applied.Outcome.CREATED : Applied.Outcome.CONFIGURED, generation));
            }
            return result;
        }

        @Override
        public List<StoredWorkload> list() {
            return List.copyOf(stored.values());
        }

        @Override
        public Optional<StoredWorkload> get(String namespace, String name) {
            return Optional.ofNullable(stored.get(namespace + "/" + name));
        }

        @Override
        public boolean delete(String namespace, String name) {
            return stored.remove(namespace + "/" + name) != null;
        }

        @Override
        public List<Instance> instances(String namespace, String name) {
            return instances.getOrDefault(namespace + "/" + name, List.of());
        }

        @Override
        public Optional<WorkloadProgress> progress(String namespace, String name) {
            return Optional.ofNullable(progress.get(namespace + "/" + name));
        }

        @Override
        public List<String> evict(String node) {
            List<String> evicted = new ArrayList<>();
            instances.values().forEach(list -> list.removeIf(i -> {
                boolean off = i.assignment().node().equals(node) && i.assignment().kind() != org.outpost.workload.Kind.DAEMON_SET;
                if (off) {
                    evicted.add(i.assignment().id());
                }
                return off;
            }));
            return evicted;
        }

        @Override
        public Applied rollback(String namespace, String name) {
            String key = namespace + "/" + name;
            StoredWorkload current = stored.get(key);
            if (current == null) {
                throw new OutpostException(ErrorCode.NOT_FOUND, "workload " + key + " not found");
            }
            Workload earlier = previous.remove(key);
            if (earlier == null) {
                throw new OutpostException(ErrorCode.CONFLICT, "workload " + key + " has no earlier revision to roll back to");
            }
            previous.put(key, current.workload());
            stored.put(key, new StoredWorkload(earlier, current.generation() + 1, current.created(), current.revision() + 1));
            return new Applied(earlier, Applied.Outcome.CONFIGURED, current.generation() + 1);
        }
    }
}
