package org.outpost.shell.internal;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Argument;
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
import org.outpost.workload.Container;
import org.outpost.workload.Instance;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.Resources;
import org.outpost.workload.StoredWorkload;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadRegistry;

@Command(scope = "edge", name = "workload", description = "Shows one workload.",
        detailedDescription = "Shows a workload applied with edge:deploy: its spec, how many instances it wants and where"
                + " they run. NAME or NAMESPACE/NAME. Runs on the server.")
@Service
public class WorkloadCommand extends EdgeAction {

    @Argument(index = 0, name = "name", required = true, description = "The workload: NAME or NAMESPACE/NAME")
    String name;

    @Argument(index = 1, name = "OPTIONS", description = "options may also follow the argument", multiValued = true)
    List<String> trailing;

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Reference(optional = true)
    WorkloadRegistry registry;

    @Reference(optional = true)
    NodeRegistry nodes;

    @Override
    protected void run() throws Exception {
        List<String> extra = TrailingOptions.apply(this, trailing);
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + extra.get(0) + "'");
        }
        StoredWorkload stored = WorkloadNames.find(requireServer(registry, "workload"), name);
        Workload w = stored.workload();
        List<NodeInfo> ready = nodes == null ? List.of() : nodes.list().stream().filter(n -> n.status() == NodeStatus.Ready).toList();
        int desired = WorkloadsCommand.desired(w, ready);
        Placement placement = Placement.of(registry, w);
        if (Output.isJson(output)) {
            out().println(Json.write(WorkloadsCommand.json(stored, desired, placement)));
            return;
        }
        StringBuilder text = new StringBuilder()
                .append("name: ").append(w.name()).append('\n')
                .append("namespace: ").append(w.namespace()).append('\n')
                .append("kind: ").append(w.kind().manifestName()).append('\n')
                .append("labels: ").append(labels(w.labels())).append('\n')
                .append("generation: ").append(stored.generation()).append('\n')
                .append("created: ").append(stored.created()).append('\n')
                .append("instances: ").append(placement.ready()).append(" running of ").append(desired).append(" wanted\n");
        placement.progress().ifPresent(p -> {
            text.append("rollout: ").append(p.rollout()).append('\n');
            if (p.problem() != null) {
                text.append("unschedulable: ").append(p.problem()).append('\n');
            }
        });
        if (w.pod() != null) {
            text.append("nodeSelector: ").append(labels(w.pod().nodeSelector())).append('\n')
                    .append("restartPolicy: ").append(switch (w.pod().restartPolicy()) {
                        case ALWAYS -> "Always";
                        case ON_FAILURE -> "OnFailure";
                        case NEVER -> "Never";
                    }).append('\n');
            for (Container c : w.pod().containers()) {
                text.append("container ").append(c.name()).append(": ").append(c.image());
                if (!c.command().isEmpty() || !c.args().isEmpty()) {
                    text.append(", runs ").append(String.join(" ", c.command())).append(c.command().isEmpty() ? "" : " ")
                            .append(String.join(" ", c.args()));
                }
                text.append(resources(c.resources())).append('\n');
            }
        } else {
            BundleSet b = w.bundles();
            text.append("nodeSelector: ").append(labels(b.nodeSelector())).append('\n')
                    .append("mode: ").append(b.mode() == BundleSet.Mode.ALL_NODES ? "AllNodes" : "Replicas").append('\n');
            if (b.feature() != null) {
                text.append("feature: ").append(b.feature().name())
                        .append(b.feature().version() == null ? "" : "/" + b.feature().version())
                        .append(b.feature().repository() == null ? "" : " from " + b.feature().repository()).append('\n');
            }
            for (String bundle : b.bundles()) {
                text.append("bundle: ").append(bundle).append('\n');
            }
            if (b.deploymentPackage() != null) {
                text.append("deploymentPackage: ").append(b.deploymentPackage()).append('\n');
            }
        }
        out().print(text);
        if (!placement.instances().isEmpty()) {
            Table table = new Table("INSTANCE", "NODE", "PHASE", "RESTARTS", "SINCE", "REASON");
            for (Instance i : placement.instances()) {
                InstanceStatus status = i.status();
                boolean current = status != null && i.assignment().specHash().equals(status.specHash());
                table.row(i.assignment().instance(), i.assignment().node(),
                        current ? status.phase().name() : "Pending",
                        current ? String.valueOf(status.restarts()) : "0",
                        current && status.since() != null ? Ages.since(parse(status.since()), now()) : "-",
                        current ? (status.reason() == null ? "" : status.reason()) : "not reported by its node yet");
            }
            out().println();
            table.print(out());
        }
    }

    private static java.time.Instant parse(String instant) {
        try {
            return java.time.Instant.parse(instant);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static String labels(Map<String, String> labels) {
        return labels.isEmpty() ? "<none>" : new java.util.TreeMap<>(labels).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static String resources(Resources r) {
        if (r.equals(Resources.NONE)) {
            return "";
        }
        return " (requests cpu " + r.cpuRequestMillis() + "m, memory " + Sizes.format(r.memoryRequestBytes())
                + "; limits cpu " + (r.cpuLimitMillis() == 0 ? "-" : r.cpuLimitMillis() + "m")
                + ", memory " + (r.memoryLimitBytes() == 0 ? "-" : Sizes.format(r.memoryLimitBytes())) + ")";
    }
}
