package org.outpost.shell.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeRegistry;
import org.outpost.api.NodeStatus;
import org.outpost.workload.BundleSet;
import org.outpost.workload.Kind;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadRegistry;
import org.outpost.workload.WorkloadRuntime;

import com.fasterxml.jackson.databind.node.ObjectNode;

@Command(scope = "edge", name = "workloads", description = "Lists the workloads.",
        detailedDescription = "Lists the applied workloads: READY is instances running of instances wanted, UP-TO-DATE"
                + " instances on the current spec, NODES where they are placed. Runs on the server.")
@Service
public class WorkloadsCommand extends EdgeAction {

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Reference(optional = true)
    WorkloadRegistry registry;

    @Reference(optional = true)
    NodeRegistry nodes;

    @Override
    protected void run() throws Exception {
        boolean json = Output.isJson(output);
        List<StoredWorkload> list = requireServer(registry, "workload").list().stream()
                .sorted(Comparator.comparing((StoredWorkload w) -> w.workload().namespace()).thenComparing(w -> w.workload().name()))
                .toList();
        List<NodeInfo> ready = nodes == null ? List.of() : nodes.list().stream().filter(n -> n.status() == NodeStatus.Ready).toList();
        WorkloadRegistry workloads = registry;
        if (json) {
            out().println(Json.write(Json.items(list.stream().map(w -> json(w, desired(w.workload(), ready),
                    Placement.of(workloads, w.workload()))).toList())));
            return;
        }
        if (list.isEmpty()) {
            out().println("No workloads found.");
            return;
        }
        Table table = new Table("NAME", "KIND", "READY", "UP-TO-DATE", "NODES", "AGE");
        for (StoredWorkload stored : list) {
            Workload w = stored.workload();
            String name = "default".equals(w.namespace()) ? w.name() : w.namespace() + "/" + w.name();
            Placement placement = Placement.of(workloads, w);
            table.row(name, w.kind().manifestName(), placement.ready() + "/" + desired(w, ready), String.valueOf(placement.upToDate()),
                    placement.nodes().isEmpty() ? "<none>" : String.join(",", placement.nodes()), Ages.since(created(stored), now()));
        }
        table.print(out());
    }

    /** Instances wanted: the replica count, or the Ready nodes a per-node workload matches. */
    static int desired(Workload w, List<NodeInfo> readyNodes) {
        if (w.kind() == Kind.DEPLOYMENT) {
            return w.pod().replicas();
        }
        if (w.kind() == Kind.BUNDLE_DEPLOYMENT && w.bundles().mode() == BundleSet.Mode.REPLICAS) {
            return w.bundles().replicas();
        }
        Map<String, String> selector = w.kind() == Kind.DAEMON_SET ? w.pod().nodeSelector() : w.bundles().nodeSelector();
        String runtime = w.kind() == Kind.DAEMON_SET ? WorkloadRuntime.DOCKER : WorkloadRuntime.BUNDLE;
        return (int) readyNodes.stream()
                .filter(n -> n.labels().entrySet().containsAll(selector.entrySet()) && n.runtimes().contains(runtime))
                .count();
    }

    private static Instant created(StoredWorkload stored) {
        try {
            return Instant.parse(stored.created());
        } catch (DateTimeParseException | NullPointerException e) {
            return null;
        }
    }

    static ObjectNode json(StoredWorkload stored, int desired, Placement placement) {
        Workload w = stored.workload();
        ObjectNode node = Json.object();
        node.put("name", w.name());
        node.put("namespace", w.namespace());
        node.put("kind", w.kind().manifestName());
        node.put("generation", stored.generation());
        node.put("created", stored.created());
        node.put("desired", desired);
        node.put("ready", placement.ready());
        node.put("upToDate", placement.upToDate());
        placement.nodes().forEach(node.putArray("nodes")::add);
        placement.progress().ifPresent(p -> {
            node.put("rollout", p.rollout());
            node.put("problem", p.problem());
        });
        node.set("instances", Json.MAPPER.valueToTree(placement.instances()));
        node.set("spec", Json.MAPPER.valueToTree(w));
        return node;
    }
}
