package org.outpost.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeRegistry;

@Command(scope = "edge", name = "node", description = "Shows one node.",
        detailedDescription = "Shows one node's status, roles, labels and resource usage. Runs on the server.")
@Service
public class NodeCommand extends EdgeAction {

    @Argument(index = 0, name = "NAME", description = "The node's name", required = true)
    @Completion(NodeNameCompleter.class)
    String name;

    @Argument(index = 1, name = "OPTIONS", description = "options may also follow the argument", multiValued = true)
    List<String> trailing;

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Reference(optional = true)
    NodeRegistry registry;

    @Override
    protected void run() throws Exception {
        List<String> extra = TrailingOptions.apply(this, trailing);
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + extra.get(0) + "'");
        }
        boolean json = Output.isJson(output);
        NodeInfo node = requireServer(registry, "node").get(name)
                .orElseThrow(() -> fail("node " + name + " not found"));
        if (json) {
            out().println(Json.write(Json.node(node)));
        } else {
            NodeText.describe(node, now()).forEach(out()::println);
        }
    }
}
