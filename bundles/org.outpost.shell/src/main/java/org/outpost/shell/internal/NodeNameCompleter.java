package org.outpost.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.NodeInfo;
import org.outpost.api.NodeRegistry;

/** Completes node names from the registry; completes nothing where no registry runs (an agent). */
@Service
public class NodeNameCompleter implements Completer {

    @Reference(optional = true)
    NodeRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(names()).complete(session, commandLine, candidates);
    }

    List<String> names() {
        NodeRegistry r = registry;
        if (r == null) {
            return List.of();
        }
        try {
            return r.list().stream().map(NodeInfo::name).sorted().toList();
        } catch (RuntimeException e) {
            return List.of(); // completion must never break the console
        }
    }
}
