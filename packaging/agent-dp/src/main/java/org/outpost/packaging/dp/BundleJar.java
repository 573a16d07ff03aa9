package org.outpost.packaging.dp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.outpost.packaging.dp.ManifestClauses.Clause;

/**
 * A bundle jar as its manifest describes it: identity, the packages it imports and exports, its
 * fragment host, and the extenders it requires or provides.
 *
 * @param versionText {@code Bundle-Version} exactly as the bundle states it (what a deployment
 *        package section must repeat)
 */
record BundleJar(Path file, String symbolicName, OsgiVersion version, String versionText, String fragmentHost,
        List<PackageImport> imports, List<PackageExport> exports, List<String> requiredExtenders,
        List<String> providedExtenders) {

    record PackageImport(String packageName, VersionRange range, boolean optional) {
    }

    record PackageExport(String packageName, OsgiVersion version) {
    }

    static final String EXTENDER_NAMESPACE = "osgi.extender";
    private static final Pattern EXTENDER_IN_FILTER = Pattern.compile("\\(osgi\\.extender=([^)]+)\\)");

    static BundleJar read(Path file) throws IOException {
        Manifest manifest;
        try (JarFile jar = new JarFile(file.toFile(), false)) {
            manifest = jar.getManifest();
        }
        if (manifest == null) {
            throw new IOException(file + " is not an OSGi bundle: it has no manifest");
        }
        Attributes main = manifest.getMainAttributes();
        List<Clause> identity = ManifestClauses.parse(main.getValue("Bundle-SymbolicName"));
        if (identity.isEmpty()) {
            throw new IOException(file + " is not an OSGi bundle: its manifest has no Bundle-SymbolicName");
        }
        try {
            String versionText = main.getValue("Bundle-Version") == null ? "0.0.0" : main.getValue("Bundle-Version").trim();
            List<Clause> host = ManifestClauses.parse(main.getValue("Fragment-Host"));
            return new BundleJar(file, identity.get(0).paths().get(0), OsgiVersion.parse(versionText), versionText,
                    host.isEmpty() ? null : host.get(0).paths().get(0),
                    imports(main.getValue("Import-Package")), exports(main.getValue("Export-Package")),
                    requiredExtenders(main.getValue("Require-Capability")), providedExtenders(main.getValue("Provide-Capability")));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    boolean isFragment() {
        return fragmentHost != null;
    }

    /** {@code symbolic-name version}, as problems and listings name a bundle. */
    String label() {
        return symbolicName + " " + versionText;
    }

    private static List<PackageImport> imports(String header) {
        List<PackageImport> imports = new ArrayList<>();
        for (Clause clause : ManifestClauses.parse(header)) {
            VersionRange range = VersionRange.parse(clause.attribute("version"));
            boolean optional = "optional".equals(clause.directive("resolution"));
            for (String path : clause.paths()) {
                imports.add(new PackageImport(path, range, optional));
            }
        }
        return List.copyOf(imports);
    }

    private static List<PackageExport> exports(String header) {
        List<PackageExport> exports = new ArrayList<>();
        for (Clause clause : ManifestClauses.parse(header)) {
            String version = clause.attribute("version");
            if (version == null) {
                version = clause.attribute("specification-version");
            }
            OsgiVersion parsed = version == null ? OsgiVersion.ZERO : OsgiVersion.parse(version);
            for (String path : clause.paths()) {
                exports.add(new PackageExport(path, parsed));
            }
        }
        return List.copyOf(exports);
    }

    /** Mandatory extender requirements by name; the version part of the filter is left to the framework. */
    private static List<String> requiredExtenders(String header) {
        List<String> names = new ArrayList<>();
        for (Clause clause : ManifestClauses.parse(header)) {
            String effective = clause.directive("effective");
            if (!clause.paths().contains(EXTENDER_NAMESPACE) || "optional".equals(clause.directive("resolution"))
                    || (effective != null && !effective.equals("resolve"))) {
                continue;
            }
            String filter = clause.directive("filter");
            Matcher matcher = EXTENDER_IN_FILTER.matcher(filter == null ? "" : filter);
            if (matcher.find()) {
                names.add(matcher.group(1));
            }
        }
        return List.copyOf(names);
    }

    private static List<String> providedExtenders(String header) {
        List<String> names = new ArrayList<>();
        for (Clause clause : ManifestClauses.parse(header)) {
            String name = clause.attribute(EXTENDER_NAMESPACE);
            if (clause.paths().contains(EXTENDER_NAMESPACE) && name != null) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }
}
