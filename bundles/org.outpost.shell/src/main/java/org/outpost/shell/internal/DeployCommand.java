package org.outpost.shell.internal;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.outpost.workload.Applied;
import org.outpost.workload.BundleSet;
import org.outpost.workload.Kind;
import org.outpost.workload.ManifestParser;
import org.outpost.workload.Workload;
import org.outpost.workload.WorkloadRegistry;

@Command(scope = "edge", name = "deploy", description = "Applies a manifest: Deployments, DaemonSets and BundleDeployments.",
        detailedDescription = "Reads a YAML manifest (several documents allowed), checks every workload in it and stores"
                + " all of them, or none when anything is wrong; each problem is shown with its line. Runs on the server.")
@Service
public class DeployCommand extends EdgeAction {

    @Option(name = "-f", aliases = "--filename", required = true, description = "The manifest file")
    @Completion(FileCompleter.class)
    String file;

    @Reference(optional = true)
    ManifestParser parser;

    @Reference(optional = true)
    WorkloadRegistry registry;

    @Override
    protected void run() throws Exception {
        WorkloadRegistry workloads = requireServer(registry, "workload");
        Path path = Path.of(file).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no manifest file " + path);
        }
        long size = Files.size(path);
        if (size > ManifestParser.MAX_BYTES) {
            throw new IllegalArgumentException(path + " " + ManifestParser.tooLarge(size)); // not read
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(path + " is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage());
        }
        List<Workload> parsed = (parser != null ? parser : new ManifestParser()).parse(text, path.getFileName().toString(), workloads.limits());
        for (Applied applied : workloads.apply(parsed)) {
            out().println(applied + scale(applied.workload()));
        }
    }

    /** {@code (3 replicas)}, or where a per-node workload runs. */
    static String scale(Workload workload) {
        if (workload.kind() == Kind.DEPLOYMENT) {
            return replicas(workload.pod().replicas());
        }
        if (workload.kind() == Kind.BUNDLE_DEPLOYMENT && workload.bundles().mode() == BundleSet.Mode.REPLICAS) {
            return replicas(workload.bundles().replicas());
        }
        return " (every matching node)";
    }

    private static String replicas(int n) {
        return " (" + n + (n == 1 ? " replica)" : " replicas)");
    }
}
