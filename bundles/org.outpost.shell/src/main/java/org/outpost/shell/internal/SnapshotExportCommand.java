package org.outpost.shell.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.osgi.framework.BundleContext;
import org.outpost.api.kura.ConfigurationSnapshots;

@Command(scope = "edge", name = "snapshot-export", description = "Writes this node's configuration as a Kura snapshot (esf:configurations XML).",
        detailedDescription = "Without FILE the XML is printed. --id exports an earlier snapshot (see edge:snapshots) instead of the"
                + " current configuration. The file can be edited and applied with edge:snapshot-import, here or on another gateway.")
@Service
public class SnapshotExportCommand extends EdgeAction {

    @Argument(index = 0, name = "FILE", description = "Where to write the XML; printed when omitted")
    @Completion(FileCompleter.class)
    String file;

    @Option(name = "--id", description = "Export snapshot ID instead of the current configuration")
    Long id;

    @Reference
    BundleContext bundleContext;

    @Override
    protected void run() throws Exception {
        ConfigurationSnapshots snapshots = KuraServices.snapshots(bundleContext);
        String xml = id == null ? snapshots.exportCurrent() : snapshots.export(id);
        if (file == null) {
            out().print(xml);
            out().flush();
            return;
        }
        Path target = Path.of(file).toAbsolutePath().normalize();
        if (target.getParent() != null && !Files.isDirectory(target.getParent())) {
            throw new IllegalArgumentException("no such directory: " + target.getParent());
        }
        Files.writeString(target, xml, StandardCharsets.UTF_8);
        out().println("Wrote " + (id == null ? "the current configuration" : "snapshot " + id) + " to " + target);
    }
}
