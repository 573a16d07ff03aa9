package org.outpost.scheduler.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.outpost.api.NodeInfo;
import org.outpost.api.NodeStatus;
import org.outpost.workload.Assignment;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadProgress;

/**
 * Decides, from what is asked (workloads), what exists (nodes) and what is placed (assignments
 * with their reported status), what to bind and what to remove. Pure: the same inputs give the
 * same plan apart from new instance names.
 *
 * <p>Placement filters nodes (Ready, not cordoned, nodeSelector, runtime present, fewer instances
 * than the per-node limit, requests fit the node's capacity minus what is placed there) and scores them (fewest instances of the same
 * workload first — spread —, then least allocated). Deployments keep their replica count and
 * leave nodes NotReady for longer than the eviction timeout (or the workload's toleration); they
 * update one instance at a time (a new one next to an old one, the old one removed once the new
 * one runs) and stop when a new one fails. DaemonSets and all-nodes BundleDeployments have one
 * instance on every matching node and are never moved.
 */
final class Planner {
    static final Set<String> NOT_READY_TAINTS = Set.of("node.outpost.org/not-ready", "node.kubernetes.io/not-ready",
            "node.kubernetes.io/unreachable");

    /** As Kubernetes' default of 110 pods per node. */
    static final int DEFAULT_MAX_INSTANCES_PER_NODE = 110;

    private final Duration evictAfter;
    private final SpecHash specHash;
    private final Supplier<String> suffixes;
    private final int maxInstancesPerNode;

    Planner(Duration evictAfter, SpecHash specHash, Supplier<String> suffixes) {
        this(evictAfter, specHash, suffixes, DEFAULT_MAX_INSTANCES_PER_NODE);
    }

    Planner(Duration evictAfter, SpecHash specHash, Supplier<String> suffixes, int maxInstancesPerNode) {
        this.evictAfter = evictAfter;
        this.specHash = specHash;
        this.suffixes = suffixes;
        this.maxInstancesPerNode = maxInstancesPerNode;
    }

    Plan plan(List<Workload> workloads, List<NodeInfo> nodes, List<Placed> placed, Instant now) {
        Round round = new Round(nodes, placed, now);
        for (Workload workload : workloads) {
            round.reconcile(workload);
        }
        round.removeOrphans();
        return new Plan(List.copyOf(round.create), List.copyOf(round.delete), Map.copyOf(round.progress));
    }

    /** The state of one reconciliation, updated as decisions are made so later ones see them. */
    private final class Round {
        final Map<String, NodeInfo> nodes = new TreeMap<>();
        final Map<String, List<Placed>> byWorkload = new HashMap<>();
        final Map<String, long[]> allocated = new HashMap<>(); // node → {cpu millis, memory bytes, instances}
        final Instant now;
        final List<Assignment> create = new ArrayList<>();
        final List<Placed> delete = new ArrayList<>();
        final Map<String, WorkloadProgress> progress = new LinkedHashMap<>();
        final Set<Placed> deleted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        /** For the workload being reconciled: its instances per node, updated by this round's decisions. */
        final Map<String, Long> sameWorkloadPerNode = new HashMap<>();

        Round(List<NodeInfo> nodeList, List<Placed> placed, Instant now) {
            this.now = now;
            nodeList.forEach(n -> nodes.put(n.name(), n));
            for (Placed p : placed) {
                Assignment a = p.assignment();
                byWorkload.computeIfAbsent(a.namespace() + "/" + a.workload(), k -> new ArrayList<>()).add(p);
                allocate(a.node(), WorkloadTemplate.requests(a), +1);
            }
        }

        void reconcile(Workload workload) {
            String key = workload.namespace() + "/" + workload.name();
            List<Placed> mine = new ArrayList<>(byWorkload.getOrDefault(key, List.of()));
            byWorkload.remove(key);
            WorkloadTemplate template = new WorkloadTemplate(workload, specHash.of(workload));
            sameWorkloadPerNode.clear();
            mine.forEach(p -> sameWorkloadPerNode.merge(p.node(), 1L, Long::sum));
            mine.removeIf(p -> {
                if (!nodes.containsKey(p.node())) {
                    remove(p); // the node was deleted
                    return true;
                }
                return false;
            });
            WorkloadProgress result = template.perNode()
                    ? reconcilePerNode(template, mine)
                    : reconcileReplicas(template, mine);
            progress.put(key, result);
        }

        /** Instances of workloads that no longer exist. */
        void removeOrphans() {
            byWorkload.values().forEach(list -> list.forEach(this::remove));
        }

        private WorkloadProgress reconcileReplicas(WorkloadTemplate t, List<Placed> mine) {
            Duration tolerance = t.notReadyTolerance(evictAfter);
            mine.removeIf(p -> {
                NodeInfo node = nodes.get(p.node());
                if (node.status() == NodeStatus.NotReady && tolerance != null && node.statusSince() != null
                        && Duration.between(node.statusSince(), now).compareTo(tolerance) > 0) {
                    remove(p); // evicted: placed again below
                    return true;
                }
                return false;
            });
            List<Placed> current = new ArrayList<>();
            List<Placed> old = new ArrayList<>();
            mine.forEach(p -> (t.hash.equals(p.assignment().specHash()) ? current : old).add(p));
            int replicas = t.replicas();
            String problem = null;
            if (old.isEmpty()) {
                if (current.size() < replicas) {
                    int missing = replicas - current.size();
                    String why = placeMany(t, missing);
                    if (why != null) {
                        problem = why;
                    }
                } else if (current.size() > replicas) {
                    surplusFirst(current).stream().limit(current.size() - replicas).forEach(this::remove);
                }
                long running = current.stream().filter(p -> p.running() && !deleted.contains(p)).count();
                return new WorkloadProgress(t.hash, running >= replicas ? "complete" : "starting", problem);
            }
            Optional<Placed> failed = current.stream().filter(Placed::failed).findFirst();
            if (failed.isPresent()) {
                Placed f = failed.get();
                return new WorkloadProgress(t.hash, "stalled: new instance " + f.assignment().instance() + " on "
                        + f.node() + " failed: " + f.status().reason() + "; edge:rollback returns to the previous revision",
                        null);
            }
            String rolling = "rolling: " + current.size() + " of " + replicas + " updated";
            if (current.stream().anyMatch(p -> !p.running())) {
                return new WorkloadProgress(t.hash, rolling, null); // wait for the new one to run
            }
            if (current.size() + old.size() > replicas) {
                Placed retire = old.stream()
                        .filter(o -> current.stream().anyMatch(c -> c.node().equals(o.node())))
                        .findFirst()
                        .orElse(surplusFirst(old).get(0));
                remove(retire);
            } else if (current.size() < replicas) {
                NodeInfo preferred = nodes.get(old.stream().map(Placed::node).sorted().findFirst().orElseThrow());
                Choice choice = choose(t, preferred);
                if (choice.node != null) {
                    bind(t, choice.node);
                } else {
                    // no room next to an old instance anywhere: make room by retiring one first
                    remove(surplusFirst(old).get(0));
                }
            }
            return new WorkloadProgress(t.hash, rolling, null);
        }

        private WorkloadProgress reconcilePerNode(WorkloadTemplate t, List<Placed> mine) {
            Map<String, List<Placed>> onNode = new TreeMap<>();
            mine.forEach(p -> onNode.computeIfAbsent(p.node(), n -> new ArrayList<>()).add(p));
            boolean rolloutBusy = mine.stream().anyMatch(p -> t.hash.equals(p.assignment().specHash()) && !p.running());
            Optional<Placed> failed = mine.stream().filter(p -> t.hash.equals(p.assignment().specHash()) && p.failed()).findFirst();
            List<String> unschedulable = new ArrayList<>();
            int outdated = 0;
            for (NodeInfo node : nodes.values()) {
                List<Placed> here = onNode.getOrDefault(node.name(), List.of());
                if (!t.selects(node)) {
                    here.forEach(this::remove);
                    continue;
                }
                List<Placed> fresh = here.stream().filter(p -> t.hash.equals(p.assignment().specHash())).toList();
                List<Placed> stale = here.stream().filter(p -> !t.hash.equals(p.assignment().specHash())).toList();
                fresh.stream().skip(1).forEach(this::remove);
                if (!fresh.isEmpty()) {
                    stale.forEach(this::remove);
                    continue;
                }
                if (!stale.isEmpty()) {
                    outdated++;
                    if (rolloutBusy || failed.isPresent() || node.status() != NodeStatus.Ready) {
                        continue; // one node at a time; a failed update stops here
                    }
                    stale.forEach(this::remove);
                    rolloutBusy = true;
                }
                Unfit why = unfit(t, node, false);
                if (why == null) {
                    bind(t, node);
                } else if (node.status() == NodeStatus.Ready) {
                    unschedulable.add(why.on(node.name()));
                }
            }
            String rollout;
            if (failed.isPresent()) {
                Placed f = failed.get();
                rollout = "stalled: new instance " + f.assignment().instance() + " on " + f.node() + " failed: "
                        + f.status().reason() + "; edge:rollback returns to the previous revision";
            } else if (outdated > 0) {
                rollout = "rolling: " + outdated + " node(s) still on the previous revision";
            } else {
                rollout = "complete";
            }
            String problem = unschedulable.isEmpty() ? null
                    : "cannot run on " + String.join(", ", unschedulable);
            return new WorkloadProgress(t.hash, rollout, problem);
        }

        /** Surplus to remove first: not running, on the node with most of them, then newest name. */
        private List<Placed> surplusFirst(List<Placed> instances) {
            Map<String, Long> perNode = new HashMap<>();
            instances.forEach(p -> perNode.merge(p.node(), 1L, Long::sum));
            List<Placed> sorted = new ArrayList<>(instances);
            sorted.sort(Comparator.comparing((Placed p) -> nodes.get(p.node()).status() == NodeStatus.Ready)
                    .thenComparing(Placed::running)
                    .thenComparing(p -> -perNode.get(p.node()))
                    .thenComparing(p -> p.assignment().instance(), Comparator.reverseOrder()));
            return sorted;
        }

        /**
         * Places {@code count} instances: filters the nodes once, then takes the best-scored node for
         * each instance from a queue (its score worsens with each instance it takes), so placing many
         * costs O(nodes + count log nodes) rather than a scan of every node per instance.
         *
         * @return why some could not be placed, or null
         */
        private String placeMany(WorkloadTemplate t, int count) {
            Map<Unfit, List<String>> reasons = new TreeMap<>(Unfit.ORDER);
            java.util.PriorityQueue<Candidate> queue = new java.util.PriorityQueue<>();
            for (NodeInfo node : nodes.values()) {
                Unfit why = unfit(t, node, true);
                if (why != null) {
                    reasons.computeIfAbsent(why, k -> new ArrayList<>()).add(node.name());
                } else {
                    queue.add(new Candidate(node, instancesOf(t, node.name()), load(node)));
                }
            }
            int placed = 0;
            while (placed < count && !queue.isEmpty()) {
                Candidate best = queue.poll();
                Unfit why = unfit(t, best.node, true); // resources shrink as instances are placed
                if (why != null) {
                    reasons.computeIfAbsent(why, k -> new ArrayList<>()).add(best.node.name());
                    continue;
                }
                bind(t, best.node);
                placed++;
                queue.add(new Candidate(best.node, instancesOf(t, best.node.name()), load(best.node)));
            }
            if (placed == count) {
                return null;
            }
            return (count - placed) + " of " + t.replicas() + " replicas unschedulable: " + unavailable(reasons);
        }

        private String unavailable(Map<Unfit, List<String>> reasons) {
            StringBuilder why = new StringBuilder("0/" + nodes.size() + " nodes are available");
            String sep = ": ";
            for (Map.Entry<Unfit, List<String>> reason : reasons.entrySet()) {
                why.append(sep).append(reason.getKey().counted(reason.getValue()));
                sep = ", ";
            }
            return why.toString();
        }

        /** The best node for one more instance, or why there is none; {@code preferred} wins when it fits. */
        private Choice choose(WorkloadTemplate t, NodeInfo preferred) {
            if (preferred != null && unfit(t, preferred, true) == null) {
                return new Choice(preferred, null);
            }
            Map<Unfit, List<String>> reasons = new TreeMap<>(Unfit.ORDER);
            NodeInfo best = null;
            long bestSame = 0;
            double bestLoad = 0;
            for (NodeInfo node : nodes.values()) {
                Unfit why = unfit(t, node, true);
                if (why != null) {
                    reasons.computeIfAbsent(why, k -> new ArrayList<>()).add(node.name());
                    continue;
                }
                long same = instancesOf(t, node.name());
                double load = load(node);
                if (best == null || same < bestSame || same == bestSame && load < bestLoad) {
                    best = node;
                    bestSame = same;
                    bestLoad = load;
                }
            }
            if (best != null) {
                return new Choice(best, null);
            }
            return new Choice(null, unavailable(reasons));
        }

        /** Why {@code node} cannot take one more instance of {@code t}, or null when it can. */
        private Unfit unfit(WorkloadTemplate t, NodeInfo node, boolean honourCordon) {
            if (node.status() != NodeStatus.Ready) {
                return Unfit.notReady();
            }
            if (honourCordon && node.cordoned()) {
                return Unfit.cordoned();
            }
            if (!t.matchesSelector(node)) {
                return Unfit.notMatching(t.nodeSelector());
            }
            if (!node.runtimes().contains(t.runtime)) {
                return Unfit.without(t.runtime);
            }
            long[] used = allocated.getOrDefault(node.name(), NOTHING_ALLOCATED);
            if (used[2] >= maxInstancesPerNode) {
                return Unfit.atInstanceLimit(maxInstancesPerNode);
            }
            long cpuCapacity = node.usage().cpus() * 1000L;
            if (t.cpuRequest > 0 && cpuCapacity > 0 && used[0] + t.cpuRequest > cpuCapacity) {
                return Unfit.insufficientCpu(t.cpuRequest);
            }
            long memoryCapacity = node.usage().memoryTotal();
            if (t.memoryRequest > 0 && memoryCapacity > 0 && used[1] + t.memoryRequest > memoryCapacity) {
                return Unfit.insufficientMemory(t.memoryRequest);
            }
            return null;
        }

        private double load(NodeInfo node) {
            long[] used = allocated.getOrDefault(node.name(), NOTHING_ALLOCATED);
            long cpuCapacity = Math.max(1, node.usage().cpus() * 1000L);
            long memoryCapacity = Math.max(1, node.usage().memoryTotal());
            return (double) used[0] / cpuCapacity + (double) used[1] / memoryCapacity + used[2] * 1e-6;
        }

        /** Instances of the workload being reconciled on {@code node}, counting this round's decisions. */
        private long instancesOf(WorkloadTemplate t, String node) {
            return sameWorkloadPerNode.getOrDefault(node, 0L);
        }

        private void bind(WorkloadTemplate t, NodeInfo node) {
            String instance = t.workload.name() + "-" + suffixes.get();
            Assignment a = new Assignment(t.workload.namespace(), t.workload.name(), instance, node.name(),
                    t.workload.kind(), t.hash, t.workload.pod(), t.workload.bundles());
            create.add(a);
            allocate(node.name(), WorkloadTemplate.requests(a), +1);
            sameWorkloadPerNode.merge(node.name(), 1L, Long::sum);
        }

        private void remove(Placed p) {
            if (deleted.add(p)) {
                delete.add(p);
                allocate(p.node(), WorkloadTemplate.requests(p.assignment()), -1);
                sameWorkloadPerNode.computeIfPresent(p.node(), (n, c) -> c - 1);
            }
        }

        private void allocate(String node, long[] requests, int sign) {
            long[] used = allocated.computeIfAbsent(node, n -> new long[3]);
            used[0] += sign * requests[0];
            used[1] += sign * requests[1];
            used[2] += sign;
        }

    }

    private static final long[] NOTHING_ALLOCATED = new long[3];

    private record Choice(NodeInfo node, String why) {
    }

    /** Spread first (fewest instances of the workload), then least allocated, then name. */
    private record Candidate(NodeInfo node, long same, double load) implements Comparable<Candidate> {
        @Override
        public int compareTo(Candidate other) {
            int c = Long.compare(same, other.same);
            if (c == 0) {
                c = Double.compare(load, other.load);
            }
            return c != 0 ? c : node.name().compareTo(other.node.name());
        }
    }

}
