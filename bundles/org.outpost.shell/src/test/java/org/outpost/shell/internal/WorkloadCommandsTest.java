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
import org.outpost.workload.Instance;
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

        assertEquals("bad.yaml:9: spec.template.spec.containers[0].ports: not supported by Outpost", e.getMessage());
        assertTrue(registry.stored.isEmpty());
    }

    @Test
    void deployNamesAMissingFile() {
        CommandException e = assertThrows(CommandException.class, () -> deploy(dir.resolve("nope.yaml")));
        assertEquals("no manifest file " + dir.resolve("nope.yaml"), e.getMessage());
    }

    @Test
    void workloadsListsWhatWasAppliedWithWhatItWants() throws Exception {
        deploy(Files.writeString(dir.resolve("m.yaml"), MANIFEST));
        WorkloadsCommand list = new WorkloadsCommand();
        list.registry = registry;
        list.nodes = new Fakes.Registry(
                Fakes.node("gw-1", NodeStatus.Ready, Duration.ofMinutes(3), Map.of("site", "plant-a")),
                Fakes.node("gw-2", NodeStatus.Ready, Duration.ofMinutes(3), Map.of("site", "plant-b")),
                Fakes.node("gw-3", NodeStatus.NotReady, Duration.ofMinutes(3), Map.of("site", "plant-a")));

        String table = Fakes.capture(list).run();

        assertEquals(String.join("\n",
                "NAME          KIND        READY  UP-TO-DATE  NODES   AGE",
                "thermo        Deployment  0/3    0           <none>  0s",
                "edge/shipper  DaemonSet   0/1    0           <none>  0s", ""), table);

        list.output = "json";
        JsonNode items = Json.MAPPER.readTree(Fakes.capture(list).run()).path("items");
        assertEquals(2, items.size());
        assertEquals("thermo", items.get(0).path("name").asText());
        assertEquals(3, items.get(0).path("desired").asInt());
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
                "instances: 0 running of 3 wanted (placement on nodes is not built yet)",
                "nodeSelector: <none>",
                "restartPolicy: Always",
                "container thermo: outpost/busybox:1, runs sleep 60 (requests cpu 50m, memory 16.0Mi; limits cpu -, memory 64.0Mi)",
                ""), Fakes.capture(show).run());

        show.output = "json";
        JsonNode json = Json.MAPPER.readTree(Fakes.capture(show).run());
        assertEquals(3, json.path("desired").asInt());
        assertEquals("outpost/busybox:1", json.path("spec").path("pod").path("containers").get(0).path("image").asText());

        show.name = "edge/nope";
        assertEquals("workload edge/nope not found (see edge:workloads)",
                assertThrows(CommandException.class, () -> Fakes.capture(show).run()).getMessage());
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
