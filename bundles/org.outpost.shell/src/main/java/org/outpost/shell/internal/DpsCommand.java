package org.outpost.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;
import org.outpost.api.kura.PackageBundle;
import org.outpost.api.kura.PackageInfo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

@Command(scope = "edge", name = "dps", description = "Lists the deployment packages installed on this node, with their bundles.")
@Service
public class DpsCommand extends EdgeAction {

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Reference
    BundleContext bundleContext;

    @Override
    protected void run() {
        boolean json = Output.isJson(output);
        List<PackageInfo> packages = KuraServices.packages(bundleContext).list();
        if (json) {
            ArrayNode items = Json.MAPPER.createArrayNode();
            for (PackageInfo info : packages) {
                ObjectNode item = items.addObject();
                item.put("name", info.name());
                item.put("version", info.version());
                ArrayNode bundles = item.putArray("bundles");
                for (PackageBundle bundle : info.bundles()) {
                    bundles.addObject().put("symbolicName", bundle.symbolicName()).put("version", bundle.version())
                            .put("id", bundle.id()).put("state", bundle.state());
                }
            }
            ObjectNode o = Json.object();
            o.set("items", items);
            out().println(Json.write(o));
            return;
        }
        if (packages.isEmpty()) {
            out().println("No deployment packages installed.");
            return;
        }
        Table table = new Table("NAME", "VERSION", "BUNDLES", "STATE");
        for (PackageInfo info : packages) {
            long active = info.bundles().stream().filter(b -> b.state().equals("ACTIVE") || b.state().equals("RESOLVED")).count();
            table.row(info.name(), info.version(), info.bundles().size(),
                    active == info.bundles().size() ? "Active" : (info.bundles().size() - active) + " not active");
        }
        table.lines().forEach(out()::println);
    }
}
