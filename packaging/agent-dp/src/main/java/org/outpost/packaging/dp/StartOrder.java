package org.outpost.packaging.dp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.outpost.packaging.dp.BundleJar.PackageExport;
import org.outpost.packaging.dp.BundleJar.PackageImport;

/**
 * The order of a deployment package's bundles: Deployment Admin installs and starts them in the
 * order of the manifest, so every bundle comes after the bundles of the package whose packages it
 * imports (optional imports too: they are wired when the exporter is there) and a fragment after
 * its host. Bundles that do not depend on each other keep the order of their symbolic names, so
 * the same jars always give the same package. A dependency cycle is broken at the bundle with the
 * fewest prerequisites still missing, and reported.
 */
final class StartOrder {
    private static final Comparator<BundleJar> BY_NAME =
            Comparator.comparing(BundleJar::symbolicName).thenComparing(BundleJar::version);

    /** The ordered bundles, and the bundles at which a cycle had to be broken (normally none). */
    record Result(List<BundleJar> bundles, List<String> brokenCycles) {
    }

    private StartOrder() {
    }

    static Result of(List<BundleJar> bundles) {
        Map<BundleJar, Set<BundleJar>> prerequisites = new LinkedHashMap<>();
        for (BundleJar bundle : bundles) {
            prerequisites.put(bundle, prerequisites(bundle, bundles));
        }
        TreeSet<BundleJar> remaining = new TreeSet<>(BY_NAME);
        remaining.addAll(bundles);
        List<BundleJar> ordered = new ArrayList<>(bundles.size());
        Set<BundleJar> placed = new HashSet<>();
        List<String> brokenCycles = new ArrayList<>();
        while (!remaining.isEmpty()) {
            BundleJar next = null;
            long fewestMissing = Long.MAX_VALUE;
            for (BundleJar candidate : remaining) {
                long missing = prerequisites.get(candidate).stream().filter(b -> !placed.contains(b)).count();
                if (missing < fewestMissing) {
                    next = candidate;
                    fewestMissing = missing;
                }
            }
            if (fewestMissing > 0) {
                brokenCycles.add(next.symbolicName());
            }
            remaining.remove(next);
            placed.add(next);
            ordered.add(next);
        }
        return new Result(List.copyOf(ordered), List.copyOf(brokenCycles));
    }

    private static Set<BundleJar> prerequisites(BundleJar bundle, List<BundleJar> all) {
        Set<BundleJar> before = new LinkedHashSet<>();
        for (PackageImport wanted : bundle.imports()) {
            for (BundleJar other : all) {
                if (other != bundle && exports(other, wanted)) {
                    before.add(other);
                }
            }
        }
        if (bundle.isFragment()) {
            for (BundleJar other : all) {
                if (other.symbolicName().equals(bundle.fragmentHost())) {
                    before.add(other);
                }
            }
        }
        return before;
    }

    private static boolean exports(BundleJar bundle, PackageImport wanted) {
        for (PackageExport export : bundle.exports()) {
            if (export.packageName().equals(wanted.packageName()) && wanted.range().includes(export.version())) {
                return true;
            }
        }
        return false;
    }
}
