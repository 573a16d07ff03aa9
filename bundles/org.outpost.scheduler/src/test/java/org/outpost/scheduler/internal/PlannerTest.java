package org.outpost.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeStatus;
import org.outpost.api.NodeUsage;
import org.outpost.workload.Assignment;
import org.outpost.workload.BundleSet;
import org.outpost.workload.Container;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.Kind;
import org.outpost.workload.PodTemplate;
import org.outpost.workload.Resources;
import org.outpost.workload.RestartPolicy;
import org.outpost.workload.Toleration;
import org.outpost.workload.Workload;

class PlannerTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final long GIB = 1L << 30;

    private final AtomicInteger names = new AtomicInteger();
    private final Planner planner = new Planner(Duration.ofSeconds(30), new SpecHash(), () -> "i" + names.incrementAndGet());
    private final List<Placed> placed = new ArrayList<>();

    static NodeInfo node(String name, NodeStatus status, Duration inStatusFor, boolean cordoned, Map<String, String> labels,
            List<String> runtimes, int cpus, long memory) {
        return new NodeInfo(name, status, List.of("agent"), labels, "127.0.0.1", "0.1.0", NOW.minusSeconds(3600), NOW,
                new NodeUsage(cpus, 0.1, memory, memory / 4, 100 * GIB, 50 * GIB, 3600), NOW.minus(inStatusFor), cordoned,
                runtimes);
    }

    static NodeInfo ready(String name, String... labels) {
        return node(name, NodeStatus.Ready, Duration.ofHours(1), false, labelMap(labels), List.of("docker", "bundle"), 4, 8 * GIB);
    }

    static Map<String, String> labelMap(String... pairs) {
        Map<String, String> map = new java.util.HashMap<>();
        for (String pair : pairs) {
            String[] kv = pair.split("=");
            map.put(kv[0], kv[1]);
        }
        return map;
    }

    static Workload deployment(String name, int replicas, String image, Resources resources, Map<String, String> nodeSelector,
            List<Toleration> tolerations) {
        Container c = new Container("main", image, List.of(), List.of(), Map.of(), resources);
        return new Workload(Kind.DEPLOYMENT, name, "default", Map.of(), new PodTemplate(replicas, Map.of("app", name),
                Map.of("app", name), List.of(c), RestartPolicy.ALWAYS, nodeSelector, tolerations), null);
    }

    static Workload deployment(String name, int replicas) {
        return deployment(name, replicas, "outpost/busybox:1", Resources.NONE, Map.of(), List.of());
    }

    static Workload daemonSet(String name, Map<String, String> nodeSelector) {
        Container c = new Container("main", "outpost/busybox:1", List.of(), List.of(), Map.of(), Resources.NONE);
        return new Workload(Kind.DAEMON_SET, name, "default", Map.of(), new PodTemplate(0, Map.of("app", name),
                Map.of("app", name), List.of(c), RestartPolicy.ALWAYS, nodeSelector, List.of()), null);
    }

    Plan plan(List<Workload> workloads, List<NodeInfo> nodes) {
        return planner.plan(workloads, nodes, placed, NOW);
    }

    /** Applies a plan as the scheduler would, every new instance reporting {@code phase}. */
    void bind(Plan plan, InstanceStatus.Phase phase) {
        placed.removeAll(plan.delete());
        for (Assignment a : plan.create()) {
            placed.add(new Placed(a, 1, status(a, phase)));
        }
    }

    static InstanceStatus status(Assignment a, InstanceStatus.Phase phase) {
        return phase == null ? null : new InstanceStatus(a.id(), a.specHash(), phase,
                phase == InstanceStatus.Phase.Failed ? "image outpost/broken:1 is not on this node" : null, 0, null, NOW.toString());
    }

    void report(String instance, InstanceStatus.Phase phase) {
        for (int i = 0; i < placed.size(); i++) {
            Placed p = placed.get(i);
            if (p.assignment().instance().equals(instance)) {
                placed.set(i, new Placed(p.assignment(), p.modRevision(), status(p.assignment(), phase)));
            }
        }
    }

    Map<String, Long> perNode() {
        return placed.stream().collect(Collectors.groupingBy(Placed::node, Collectors.counting()));
    }

    @Test
    void spreadsReplicasOnePerNode() {
        Plan plan = plan(List.of(deployment("thermo", 3)), List.of(ready("gw-1"), ready("gw-2"), ready("gw-3")));

        assertEquals(3, plan.create().size());
        assertEquals(3, plan.create().stream().map(Assignment::node).distinct().count());
        assertTrue(plan.delete().isEmpty());
        assertNull(plan.progress().get("default/thermo").problem());
        plan.create().forEach(a -> assertTrue(a.instance().startsWith("thermo-"), a.instance()));
    }

    @Test
    void placedAndRunningIsStable() {
        List<NodeInfo> nodes = List.of(ready("gw-1"), ready("gw-2"));
        bind(plan(List.of(deployment("thermo", 2)), nodes), InstanceStatus.Phase.Running);

        Plan again = plan(List.of(deployment("thermo", 2)), nodes);

        assertTrue(again.create().isEmpty());
        assertTrue(again.delete().isEmpty());
        assertEquals("complete", again.progress().get("default/thermo").rollout());
    }

    @Test
    void filterSaysWhyNothingFits() {
        Workload big = deployment("big", 2, "outpost/busybox:1", new Resources(0, 0, 16 * GIB, 16 * GIB), Map.of(), List.of());
        List<NodeInfo> nodes = List.of(
                node("down", NodeStatus.NotReady, Duration.ofSeconds(5), false, Map.of(), List.of("docker"), 4, 32 * GIB),
                node("closed", NodeStatus.Ready, Duration.ofHours(1), true, Map.of(), List.of("docker"), 4, 32 * GIB),
                node("no-docker", NodeStatus.Ready, Duration.ofHours(1), false, Map.of(), List.of("bundle"), 4, 32 * GIB),
                ready("small"));

        Plan plan = plan(List.of(big), nodes);

        assertTrue(plan.create().isEmpty());
        assertEquals("2 of 2 replicas unschedulable: 0/4 nodes are available: 1 NotReady (start its agent, or edge:node-delete down),"
                + " 1 cordoned (edge:uncordon closed), 1 with insufficient memory (requests 16Gi; lower resources.requests.memory"
                + " or free some), 1 without the docker runtime (start the agent with --runtime docker)",
                plan.progress().get("default/big").problem());
    }

    @Test
    void nodeSelectorAndCpuRequestsLimitWhereReplicasGo() {
        Workload w = deployment("w", 3, "outpost/busybox:1", new Resources(1500, 0, 0, 0), Map.of("site", "a"), List.of());
        List<NodeInfo> nodes = List.of(ready("a1", "site=a"), ready("b1", "site=b"));

        Plan plan = plan(List.of(w), nodes);

        // a1 has 4 cpus = 4000m: two instances of 1500m fit, the third does not
        assertEquals(2, plan.create().size());
        assertTrue(plan.create().stream().allMatch(a -> a.node().equals("a1")));
        assertEquals("1 of 3 replicas unschedulable: 0/2 nodes are available: 1 not matching nodeSelector site=a"
                + " (edge:label b1 site=a), 1 with insufficient cpu (requests 1500m; lower resources.requests.cpu or free some)",
                plan.progress().get("default/w").problem());
    }

    @Test
    void scoresLeastAllocatedNodeFirst() {
        List<NodeInfo> nodes = List.of(ready("gw-1"), ready("gw-2"));
        Workload busy = deployment("busy", 1, "outpost/busybox:1", new Resources(2000, 0, 2 * GIB, 0), Map.of("x", "y"), List.of());
        bind(planner.plan(List.of(busy), List.of(ready("gw-1", "x=y"), ready("gw-2")), placed, NOW), InstanceStatus.Phase.Running);

        Plan plan = plan(List.of(busy, deployment("light", 1)), nodes);

        assertEquals(List.of("gw-2"), plan.create().stream().filter(a -> a.workload().equals("light")).map(Assignment::node).toList());
    }

    @Test
    void scalesUpAndDown() {
        List<NodeInfo> nodes = List.of(ready("gw-1"), ready("gw-2"), ready("gw-3"));
        bind(plan(List.of(deployment("thermo", 2)), nodes), InstanceStatus.Phase.Running);

        Plan up = plan(List.of(deployment("thermo", 3)), nodes);
        assertEquals(1, up.create().size());
        bind(up, InstanceStatus.Phase.Running);
        assertEquals(Map.of("gw-1", 1L, "gw-2", 1L, "gw-3", 1L), perNode());

        Plan down = plan(List.of(deployment("thermo", 1)), nodes);
        assertEquals(2, down.delete().size());
        assertTrue(down.create().isEmpty());
    }

    @Test
    void replicasLeaveANodeNotReadyLongerThanTheEvictionTimeout() {
        List<NodeInfo> nodes = List.of(ready("gw-1"), ready("gw-2"), ready("gw-3"));
        bind(plan(List.of(deployment("thermo", 2)), nodes), InstanceStatus.Phase.Running);
        String lost = placed.get(0).node();
        String free = nodes.stream().map(NodeInfo::name).filter(n -> placed.stream().noneMatch(p -> p.node().equals(n))).findFirst().orElseThrow();

        Plan early = plan(List.of(deployment("thermo", 2)), replace(nodes, lost, Duration.ofSeconds(29)));
        assertTrue(early.create().isEmpty() && early.delete().isEmpty(), "29 s NotReady is within the timeout");

        Plan late = plan(List.of(deployment("thermo", 2)), replace(nodes, lost, Duration.ofSeconds(31)));
        assertEquals(List.of(lost), late.delete().stream().map(Placed::node).toList());
        assertEquals(List.of(free), late.create().stream().map(Assignment::node).toList());
    }

    @Test
    void tolerationsOverrideTheEvictionTimeout() {
        Workload patient = deployment("patient", 1, "outpost/busybox:1", Resources.NONE, Map.of(),
                List.of(new Toleration("node.kubernetes.io/not-ready", "Exists", "", "NoExecute", 300L)));
        Workload forever = deployment("forever", 1, "outpost/busybox:1", Resources.NONE, Map.of("only", "me"),
                List.of(new Toleration("", "Exists", "", "", null)));
        List<NodeInfo> nodes = List.of(ready("gw-1", "only=me"), ready("gw-2"));
        // both placed while gw-1 was the only node
        bind(planner.plan(List.of(patient, forever), List.of(ready("gw-1", "only=me")), placed, NOW), InstanceStatus.Phase.Running);

        Plan at200 = plan(List.of(patient, forever), replace(nodes, "gw-1", Duration.ofSeconds(200)));
        assertTrue(at200.delete().isEmpty());
        Plan at400 = plan(List.of(patient, forever), replace(nodes, "gw-1", Duration.ofSeconds(400)));
        assertEquals(List.of("patient"), at400.delete().stream().map(p -> p.assignment().workload()).toList());
    }

    @Test
    void daemonSetRunsOnEveryMatchingNodeAndIsNotMoved() {
        List<NodeInfo> nodes = new ArrayList<>(List.of(ready("gw-1", "sensors=yes"), ready("gw-2", "sensors=yes"), ready("gw-3")));
        Workload ds = daemonSet("collector", Map.of("sensors", "yes"));
        bind(plan(List.of(ds), nodes), InstanceStatus.Phase.Running);
        assertEquals(Map.of("gw-1", 1L, "gw-2", 1L), perNode());

        nodes.add(ready("gw-4", "sensors=yes"));
        Plan grown = plan(List.of(ds), nodes);
        assertEquals(List.of("gw-4"), grown.create().stream().map(Assignment::node).toList());
        bind(grown, InstanceStatus.Phase.Running);

        Plan lost = plan(List.of(ds), replace(nodes, "gw-1", Duration.ofMinutes(10)));
        assertTrue(lost.delete().isEmpty() && lost.create().isEmpty(), "DaemonSet instances stay on a NotReady node");

        Plan relabelled = plan(List.of(ds), List.of(ready("gw-1", "sensors=yes"), ready("gw-2"), ready("gw-3"), ready("gw-4", "sensors=yes")));
        assertEquals(List.of("gw-2"), relabelled.delete().stream().map(Placed::node).toList());
    }

    @Test
    void bundleDeploymentOnAllNodesNeedsTheBundleRuntime() {
        Workload bundles = new Workload(Kind.BUNDLE_DEPLOYMENT, "modbus", "default", Map.of(),
                null, new BundleSet(List.of("mvn:org.example/modbus/1.0.0"), null, Map.of(), BundleSet.Mode.ALL_NODES, 0));
        List<NodeInfo> nodes = List.of(ready("gw-1"),
                node("docker-only", NodeStatus.Ready, Duration.ofHours(1), false, Map.of(), List.of("docker"), 4, 8 * GIB));

        Plan plan = plan(List.of(bundles), nodes);

        assertEquals(List.of("gw-1"), plan.create().stream().map(Assignment::node).toList());
        assertEquals(Kind.BUNDLE_DEPLOYMENT, plan.create().get(0).kind());
    }

    @Test
    void instancesOfDeletedWorkloadsAndNodesAreRemoved() {
        List<NodeInfo> nodes = List.of(ready("gw-1"), ready("gw-2"));
        bind(plan(List.of(deployment("a", 2), deployment("b", 1)), nodes), InstanceStatus.Phase.Running);

        Plan plan = plan(List.of(deployment("b", 1)), List.of(ready("gw-1")));

        assertEquals(2 + (placed.stream().anyMatch(p -> p.assignment().workload().equals("b") && p.node().equals("gw-2")) ? 1 : 0),
                plan.delete().size());
        assertTrue(plan.delete().stream().allMatch(p -> p.assignment().workload().equals("a") || p.node().equals("gw-2")));
    }

    @Test
    void rollingUpdateGoesNodeByNodeStopsOnFailureAndRollsBack() {
        List<NodeInfo> nodes = List.of(ready("gw-1"), ready("gw-2"), ready("gw-3"));
        Workload v1 = deployment("thermo", 3);
        bind(plan(List.of(v1), nodes), InstanceStatus.Phase.Running);
        Workload v2 = deployment("thermo", 3, "outpost/busybox:2", Resources.NONE, Map.of(), List.of());

        Plan first = plan(List.of(v2), nodes);
        assertEquals(1, first.create().size(), "one new instance at a time");
        assertTrue(first.delete().isEmpty(), "old instances stay until the new one runs");
        assertEquals("gw-1", first.create().get(0).node(), "the new instance goes next to an old one");
        bind(first, InstanceStatus.Phase.Pending);

        Plan waiting = plan(List.of(v2), nodes);
        assertTrue(waiting.create().isEmpty() && waiting.delete().isEmpty());
        assertEquals("rolling: 1 of 3 updated", waiting.progress().get("default/thermo").rollout());

        report(first.create().get(0).instance(), InstanceStatus.Phase.Running);
        Plan retire = plan(List.of(v2), nodes);
        assertEquals(List.of("gw-1"), retire.delete().stream().map(Placed::node).toList());
        bind(retire, null);

        Plan second = plan(List.of(v2), nodes);
        assertEquals(List.of("gw-2"), second.create().stream().map(Assignment::node).toList());
        bind(second, InstanceStatus.Phase.Failed);

        Plan stalled = plan(List.of(v2), nodes);
        assertTrue(stalled.create().isEmpty() && stalled.delete().isEmpty(), "a failed new instance stops the roll");
        assertTrue(stalled.progress().get("default/thermo").rollout().startsWith("stalled: new instance "
                + second.create().get(0).instance() + " on gw-2 failed: image outpost/broken:1 is not on this node"));

        // rollback: v1 again; its instances (2 old + none new) are current, the two v2 ones are surplus
        Plan back = plan(List.of(v1), nodes);
        assertTrue(back.create().isEmpty());
        assertEquals(1, back.delete().size(), "one step at a time: first the failed one goes");
        assertEquals(second.create().get(0).instance(), back.delete().get(0).assignment().instance());
    }

    private static List<NodeInfo> replace(List<NodeInfo> nodes, String name, Duration notReadyFor) {
        return nodes.stream().map(n -> n.name().equals(name)
                ? node(n.name(), NodeStatus.NotReady, notReadyFor, n.cordoned(), n.labels(), n.runtimes(), n.usage().cpus(),
                        n.usage().memoryTotal())
                : n).toList();
    }

    @Test
    void reasonsNameTheFixAndCountNodesThatShareOne() {
        Workload w = deployment("w", 1, "outpost/busybox:1", Resources.NONE, Map.of("zone", "boiler", "tier", "hot"), List.of());
        List<NodeInfo> nodes = List.of(ready("gw-1"), ready("gw-2", "zone=boiler"), ready("gw-3", "zone=north"),
                node("gw-4", NodeStatus.Ready, Duration.ofHours(1), true, Map.of(), List.of("docker"), 4, 8 * GIB),
                node("gw-5", NodeStatus.Ready, Duration.ofHours(1), true, Map.of(), List.of("docker"), 4, 8 * GIB));

        assertEquals("1 of 1 replicas unschedulable: 0/5 nodes are available: 2 cordoned (edge:uncordon NODE),"
                + " 3 not matching nodeSelector tier=hot,zone=boiler (edge:label NODE tier=hot zone=boiler)",
                plan(List.of(w), nodes).progress().get("default/w").problem());

        Workload bundles = new Workload(Kind.BUNDLE_DEPLOYMENT, "b", "default", Map.of(), null,
                new BundleSet(List.of("mvn:a/b/1"), null, Map.of(), BundleSet.Mode.REPLICAS, 1));
        List<NodeInfo> dockerOnly = List.of(node("gw-1", NodeStatus.Ready, Duration.ofHours(1), false, Map.of(), List.of("docker"), 4,
                8 * GIB));
        assertEquals("1 of 1 replicas unschedulable: 0/1 nodes are available: 1 without the bundle runtime"
                + " (the node's org.outpost.runtime.bundle bundle must be active)",
                plan(List.of(bundles), dockerOnly).progress().get("default/b").problem());
    }

    @Test
    void aPerNodeWorkloadSaysWhyAndWhatToDoPerNode() {
        List<NodeInfo> nodes = List.of(ready("gw-1", "sensors=yes"),
                node("gw-2", NodeStatus.Ready, Duration.ofHours(1), false, Map.of("sensors", "yes"), List.of("bundle"), 4, 8 * GIB));
        Workload ds = daemonSet("collector", Map.of("sensors", "yes"));
        Planner small = new Planner(Duration.ofSeconds(30), new SpecHash(), () -> "i" + names.incrementAndGet(), 1);
        Plan first = small.plan(List.of(deployment("busy", 1, "outpost/busybox:1", Resources.NONE, Map.of("sensors", "yes"),
                List.of())), List.of(nodes.get(0)), placed, NOW);
        bind(first, InstanceStatus.Phase.Running);

        Plan plan = small.plan(List.of(deployment("busy", 1, "outpost/busybox:1", Resources.NONE, Map.of("sensors", "yes"),
                List.of()), ds), nodes, placed, NOW);

        assertTrue(plan.create().isEmpty(), plan.create().toString());
        assertEquals("cannot run on gw-1 (at their instance limit of 1; --max-instances-per-node)",
                plan.progress().get("default/collector").problem(), "gw-2 has no docker runtime, and is not selected");
    }

    @Test
    void aNodeAtItsInstanceLimitIsFilteredOut() {
        Planner limited = new Planner(Duration.ofSeconds(30), new SpecHash(), () -> "i" + names.incrementAndGet(), 2);
        List<NodeInfo> nodes = List.of(ready("gw-1"), ready("gw-2"));

        Plan plan = limited.plan(List.of(deployment("thermo", 5)), nodes, placed, NOW);

        assertEquals(Map.of("gw-1", 2L, "gw-2", 2L), plan.create().stream()
                .collect(Collectors.groupingBy(Assignment::node, Collectors.counting())));
        assertEquals("1 of 5 replicas unschedulable: 0/2 nodes are available: 2 at their instance limit of 2 (--max-instances-per-node)",
                plan.progress().get("default/thermo").problem());
    }

    @Test
    void theDefaultLimitIsKubernetesMaxPods() {
        Plan plan = plan(List.of(deployment("many", 111)), List.of(ready("gw-1")));

        assertEquals(110, plan.create().size());
        assertEquals("1 of 111 replicas unschedulable: 0/1 nodes are available: 1 at their instance limit of 110 (--max-instances-per-node)",
                plan.progress().get("default/many").problem());
    }
}
