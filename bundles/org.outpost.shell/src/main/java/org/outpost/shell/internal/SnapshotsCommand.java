package org.outpost.shell.internal;

import java.time.Instant;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

@Command(scope = "edge", name = "snapshots", description = "Lists this node's configuration snapshots, newest last.",
        detailedDescription = "A snapshot is taken after every configuration change; the newest ones are kept"
                + " (org.outpost.kura.snapshots maxSnapshots). An ID is the snapshot's time in epoch milliseconds, as in Kura.")
@Service
public class SnapshotsCommand extends EdgeAction {

    @Option(name = "-o", aliases = "--output", description = "Output format: json")
    @Completion(value = StringsCompleter.class, values = {"json"})
    String output;

    @Reference
    BundleContext bundleContext;

    @Override
    protected void run() {
        List<Long> ids = KuraServices.snapshots(bundleContext).snapshotIds();
        if (Output.isJson(output)) {
            ObjectNode o = Json.object();
            ArrayNode items = o.putArray("ids");
            ids.forEach(items::add);
            out().println(Json.write(o));
            return;
        }
        if (ids.isEmpty()) {
            out().println("No snapshots yet.");
            return;
        }
        Table table = new Table("ID", "TAKEN", "AGE");
        for (long id : ids) {
            Instant taken = Instant.ofEpochMilli(id);
            table.row(id, taken, Ages.since(taken, now()));
        }
        table.lines().forEach(out()::println);
    }
}
