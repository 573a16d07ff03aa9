package org.outpost.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.outpost.api.ErrorCode;
import org.outpost.api.NodeRegistry;
import org.outpost.api.OutpostException;

@Command(scope = "edge", name = "label", description = "Sets or removes labels on a node.",
        detailedDescription = "Like kubectl label: key=value sets a label, key- removes it. Keys are an optional"
                + " DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and"
                + " ending with a letter or digit; values are empty or follow the same rule. Runs on the server.")
@Service
public class LabelCommand extends EdgeAction {

    @Argument(index = 0, name = "NAME", description = "The node's name", required = true)
    @Completion(NodeNameCompleter.class)
    String name;

    @Argument(index = 1, name = "LABELS", description = "key=value to set, key- to remove",
            required = true, multiValued = true)
    List<String> labels;

    @Reference(optional = true)
    NodeRegistry registry;

    @Override
    protected void run() throws Exception {
        LabelArgs.Changes changes = LabelArgs.parse(labels);
        NodeRegistry nodes = requireServer(registry, "node");
        try {
            nodes.label(name, changes.set(), changes.remove());
        } catch (OutpostException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw fail("node " + name + " not found", e);
            }
            throw e;
        }
        out().println("node/" + name + " labeled");
    }
}
