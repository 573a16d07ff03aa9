package org.outpost.packaging.dp;

import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.outpost.packaging.dp.BundleJar.PackageExport;
import org.outpost.packaging.dp.BundleJar.PackageImport;

/**
 * What would stop the package's bundles from resolving on the base framework, found before the
 * package is written: a mandatory import that no bundle of the package or the base exports in a
 * matching version, a fragment without its host, a required extender nobody provides, and a
 * bundle that the base already has (Deployment Admin refuses to install it a second time). The
 * base bundles are held to the same rules, so a base that cannot run on its own is caught too.
 * Packages of the Java platform count as exported by the framework, as Equinox and Felix do.
 */
final class ImportCheck {
    private final List<BundleJar> shipped;
    private final List<BundleJar> base;
    private final Set<String> platformPackages;
    private final Map<String, List<Exporter>> exporters = new HashMap<>();
    private final Set<String> extenders = new HashSet<>();
    private final Set<String> symbolicNames = new HashSet<>();
    private final Map<String, BundleJar> baseBundles = new HashMap<>();

    private record Exporter(BundleJar bundle, OsgiVersion version) {
    }

    ImportCheck(Collection<BundleJar> shipped, Collection<BundleJar> base, Set<String> platformPackages) {
        this.shipped = List.copyOf(shipped);
        this.base = List.copyOf(base);
        this.platformPackages = Set.copyOf(platformPackages);
        for (BundleJar bundle : base) {
            add(bundle);
            baseBundles.put(bundle.symbolicName(), bundle);
        }
        for (BundleJar bundle : shipped) {
            add(bundle);
        }
    }

    /** The packages the running JVM exports to everyone, which a framework offers through its system bundle. */
    static Set<String> platformPackagesOfThisJvm() {
        Set<String> packages = new TreeSet<>();
        for (Module module : ModuleLayer.boot().modules()) {
            for (ModuleDescriptor.Exports export : module.getDescriptor().exports()) {
                if (!export.isQualified()) {
                    packages.add(export.source());
                }
            }
        }
        return packages;
    }

    /** Every problem found with the package on top of the base, one sentence each; empty when it resolves. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (BundleJar bundle : shipped) {
            if (!seen.add(bundle.symbolicName())) {
                problems.add(bundle.symbolicName() + " is in the package twice");
            }
            BundleJar inBase = baseBundles.get(bundle.symbolicName());
            if (inBase != null) {
                problems.add(bundle.label() + " is part of the base framework already (" + inBase.label()
                        + "): leave it out of the package");
            }
            requirements(bundle, bundle.label(), problems);
        }
        for (BundleJar bundle : base) {
            requirements(bundle, "base bundle " + bundle.label(), problems);
        }
        return problems;
    }

    private void requirements(BundleJar bundle, String label, List<String> problems) {
        for (PackageImport wanted : bundle.imports()) {
            if (!wanted.optional() && !satisfied(wanted)) {
                problems.add(label + " imports " + wanted.packageName() + " " + wanted.range()
                        + ", which neither the package nor the base framework exports" + offered(wanted.packageName()));
            }
        }
        if (bundle.isFragment() && !symbolicNames.contains(bundle.fragmentHost())) {
            problems.add(label + " is a fragment of " + bundle.fragmentHost()
                    + ", which neither the package nor the base framework has");
        }
        for (String extender : bundle.requiredExtenders()) {
            if (!extenders.contains(extender)) {
                problems.add(label + " needs the " + extender + " extender (e.g. Declarative Services for"
                        + " osgi.component), which neither the package nor the base framework provides");
            }
        }
    }

    private void add(BundleJar bundle) {
        symbolicNames.add(bundle.symbolicName());
        extenders.addAll(bundle.providedExtenders());
        for (PackageExport export : bundle.exports()) {
            exporters.computeIfAbsent(export.packageName(), name -> new ArrayList<>()).add(new Exporter(bundle, export.version()));
        }
    }

    private boolean satisfied(PackageImport wanted) {
        String name = wanted.packageName();
        if (name.startsWith("java.") || (platformPackages.contains(name) && wanted.range().includes(OsgiVersion.ZERO))) {
            return true;
        }
        for (Exporter exporter : exporters.getOrDefault(name, List.of())) {
            if (wanted.range().includes(exporter.version())) {
                return true;
            }
        }
        return false;
    }

    private String offered(String packageName) {
        List<Exporter> candidates = exporters.getOrDefault(packageName, List.of());
        if (candidates.isEmpty()) {
            return "";
        }
        List<String> offers = new ArrayList<>();
        for (Exporter exporter : candidates) {
            offers.add(exporter.bundle().symbolicName() + " exports " + exporter.version());
        }
        return " in that version (" + String.join(", ", offers) + ")";
    }
}
