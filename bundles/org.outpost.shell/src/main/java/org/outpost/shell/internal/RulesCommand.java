package org.outpost.shell.internal;

import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.outpost.api.device.FleetDevices.NodeRule;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleConfig;

import com.fasterxml.jackson.databind.node.ObjectNode;

@Command(scope = "edge", name = "rules", description = "Lists edge rules: the server's for every node, and this node's own.",
        detailedDescription = "ORIGIN is server (made with edge:rule-add --device NODE/NAME on the server and pushed to the"
                + " node) or local (made on the node itself).")
@Service
public class RulesCommand extends DeviceAction {

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Override
    protected void run() throws Exception {
        boolean json = Output.isJson(output);
        List<NodeRule> rules = new ArrayList<>();
        if (fleet != null) rules.addAll(fleet.rules());
        if (localDevices != null) {
            for (Rule rule : localDevices.rules()) {
                if (rule.origin().equals(Rule.ORIGIN_LOCAL) || fleet == null) rules.add(new NodeRule(nodeName(), rule));
            }
        }
        if (fleet == null && localDevices == null) throw fail(NOT_HERE);
        if (json) {
            out().println(Json.write(Json.items(rules.stream().map(r -> {
                ObjectNode o = Json.MAPPER.valueToTree(RuleConfig.toProperties(r.rule()));
                o.put("node", r.node());
                o.put("origin", r.rule().origin());
                o.put("description", r.rule().describe());
                return o;
            }).toList())));
            return;
        }
        if (rules.isEmpty()) {
            out().println("No rules (edge:rule-add NAME --device DEVICE --channel CHANNEL --above N --for 5s).");
            return;
        }
        Table table = new Table("NAME", "NODE", "DEVICE", "KIND", "RULE", "ORIGIN");
        for (NodeRule rule : rules) {
            table.row(rule.rule().name(), rule.node(), rule.rule().device(), rule.rule().kind().name(), rule.rule().describe(),
                    rule.rule().origin());
        }
        table.print(out());
    }
}
