package org.outpost.shell.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.osgi.framework.BundleContext;

@Command(scope = "edge", name = "snapshot-import", description = "Applies a Kura snapshot (esf:configurations XML): all of it, or nothing.",
        detailedDescription = "Every property of every component is checked against the component's Metatype description (type,"
                + " range, options); devices and rules against their own rules. When anything is wrong nothing is applied and every"
                + " problem is listed. When all is well the configurations are applied and a new snapshot is taken.")
@Service
public class SnapshotImportCommand extends EdgeAction {

    @Argument(index = 0, name = "FILE", required = true, description = "The snapshot XML")
    @Completion(FileCompleter.class)
    String file;

    @Reference
    BundleContext bundleContext;

    @Override
    protected void run() throws Exception {
        Path source = Path.of(file).toAbsolutePath().normalize();
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException("no such file: " + source);
        }
        long id = KuraServices.snapshots(bundleContext).importXml(Files.readString(source, StandardCharsets.UTF_8));
        out().println("Applied " + source.getFileName() + "; snapshot " + id + " taken");
    }
}
