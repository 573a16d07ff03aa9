package org.outpost.shell.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeRegistry;

@Command(scope = "edge", name = "nodes", description = "Lists the cluster's nodes.",
        detailedDescription = "Lists the nodes the server knows, like kubectl get nodes. Runs on the server.")
@Service
public class NodesCommand extends EdgeAction {

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Option(name = "-l", aliases = "--selector",
            description = "Label selector: key=value, key!=value, key or !key, comma-separated")
    String selector;

    @Reference(optional = true)
    NodeRegistry registry;

    @Override
    protected void run() throws Exception {
        boolean json = Output.isJson(output);
        Predicate<Map<String, String>> matches = Selector.parse(selector);
        NodeRegistry nodes = requireServer(registry, "node");
        List<NodeInfo> list = nodes.list().stream()
                .filter(n -> matches.test(n.labels()))
                .sorted(NodeText.BY_NAME)
                .toList();
        if (json) {
            out().println(Json.write(Json.items(list.stream().map(Json::node).toList())));
        } else if (list.isEmpty()) {
            out().println(selector == null ? "No nodes found." : "No nodes match " + selector + ".");
        } else {
            NodeText.table(list, now()).print(out());
        }
    }
}
