package org.outpost.packaging.dp;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Builds a deployment package from the bundle jars in one or more folders: reads each bundle's
 * identity and imports from its manifest, checks that the bundles resolve on top of the base
 * framework's bundles (and the JVM's packages), orders them so dependencies come first, and
 * writes the {@code .dp}. Run at build time:
 * <pre>
 * DeploymentPackageBuilder --symbolic-name NAME --version MAVEN-VERSION --bundles DIR [--bundles DIR...]
 *     [--base DIR...] [--name TEXT] [--description TEXT] [--vendor TEXT] --output FILE.dp
 * </pre>
 * Problems are reported all at once, each naming the bundle and package, and fail the build.
 */
public final class DeploymentPackageBuilder {
    private static final Set<String> VALUED_OPTIONS =
            Set.of("symbolic-name", "version", "name", "description", "vendor", "bundles", "base", "output");

    private final PrintStream out;

    DeploymentPackageBuilder(PrintStream out) {
        this.out = out;
    }

    /** Throws instead of exiting: the build runs this inside Maven's JVM. */
    public static void main(String[] args) throws IOException, PackagingException {
        new DeploymentPackageBuilder(System.out).build(options(args));
    }

    /** The package's bundles in the order they were written. */
    List<BundleJar> build(Map<String, List<String>> options) throws IOException, PackagingException {
        String symbolicName = required(options, "symbolic-name");
        OsgiVersion version;
        try {
            version = OsgiVersion.fromMaven(required(options, "version"));
        } catch (IllegalArgumentException e) {
            throw new PackagingException("--version: " + e.getMessage());
        }
        Path output = Path.of(required(options, "output"));
        List<BundleJar> shipped = readBundles(options.getOrDefault("bundles", List.of()));
        if (shipped.isEmpty()) {
            throw new PackagingException("no bundles to package: give --bundles with a folder of bundle jars");
        }
        List<BundleJar> base = readBundles(options.getOrDefault("base", List.of()));

        List<String> problems = new ImportCheck(shipped, base, ImportCheck.platformPackagesOfThisJvm()).problems();
        if (!problems.isEmpty()) {
            throw new PackagingException("the bundles of " + symbolicName + " would not resolve on the base framework ("
                    + base.size() + " bundles):\n  " + String.join("\n  ", problems));
        }
        StartOrder.Result order = StartOrder.of(shipped);

        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DeploymentPackageWriter.SYMBOLIC_NAME, symbolicName);
        headers.put(DeploymentPackageWriter.VERSION, version.toString());
        optional(options, "name", "DeploymentPackage-Name", headers);
        optional(options, "description", "DeploymentPackage-Description", headers);
        optional(options, "vendor", "DeploymentPackage-Vendor", headers);
        DeploymentPackageWriter.write(output, headers, order.bundles());

        out.printf("%s %s: %d bundles, %d KiB, checked against %d base bundles -> %s%n", symbolicName, version,
                order.bundles().size(), Files.size(output) / 1024, base.size(), output);
        int position = 1;
        for (BundleJar bundle : order.bundles()) {
            out.printf("  %2d  %s%s%n", position++, bundle.label(), bundle.isFragment() ? " (fragment)" : "");
        }
        if (!order.brokenCycles().isEmpty()) {
            out.println("  dependency cycles broken at: " + String.join(", ", order.brokenCycles()));
        }
        return order.bundles();
    }

    private static List<BundleJar> readBundles(List<String> folders) throws IOException, PackagingException {
        List<BundleJar> bundles = new ArrayList<>();
        for (String folder : folders) {
            Path dir = Path.of(folder);
            if (!Files.isDirectory(dir)) {
                throw new PackagingException("bundle folder " + dir + " does not exist");
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                    bundles.add(BundleJar.read(jar));
                }
            }
        }
        return bundles;
    }

    static Map<String, List<String>> options(String[] args) throws PackagingException {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !VALUED_OPTIONS.contains(arg.substring(2))) {
                throw new PackagingException("unknown argument '" + arg + "' (options: --" + String.join(", --", VALUED_OPTIONS.stream().sorted().toList()) + ")");
            }
            if (i + 1 >= args.length) {
                throw new PackagingException(arg + " needs a value");
            }
            options.computeIfAbsent(arg.substring(2), name -> new ArrayList<>()).add(args[++i]);
        }
        return options;
    }

    private static String required(Map<String, List<String>> options, String name) throws PackagingException {
        List<String> values = options.get(name);
        if (values == null || values.get(0).isBlank()) {
            throw new PackagingException("--" + name + " is required");
        }
        if (values.size() > 1) {
            throw new PackagingException("--" + name + " is given " + values.size() + " times");
        }
        return values.get(0).trim();
    }

    private static void optional(Map<String, List<String>> options, String name, String header, Map<String, String> headers) {
        List<String> values = options.get(name);
        if (values != null && !values.get(values.size() - 1).isBlank()) {
            headers.put(header, values.get(values.size() - 1).trim());
        }
    }

    /** A reason the package cannot be built, as one readable message. */
    static final class PackagingException extends Exception {
        private static final long serialVersionUID = 1L;

        PackagingException(String message) {
            super(message);
        }
    }
}
