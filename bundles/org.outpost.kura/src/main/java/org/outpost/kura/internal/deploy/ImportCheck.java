package org.outpost.kura.internal.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Checks before an install that every mandatory package a package's bundles import is exported by
 * a bundle that stays, or by the package itself. Deployment Admin would install such a bundle and
 * leave it unresolved; refusing up front keeps the framework exactly as it was.
 */
final class ImportCheck {
    private final Map<String, List<Version>> exported = new HashMap<>();
    private final Set<String> symbolicNames = new HashSet<>();

    /**
     * @param framework the bundles installed now
     * @param replaced  symbolic names of bundles the install removes or replaces
     */
    ImportCheck(Bundle[] framework, Set<String> replaced) {
        for (Bundle bundle : framework) {
            if (bundle.getSymbolicName() == null || replaced.contains(bundle.getSymbolicName())) {
                continue;
            }
            symbolicNames.add(bundle.getSymbolicName());
            BundleWiring wiring = bundle.adapt(BundleWiring.class);
            if (wiring == null) {
                continue; // not resolved: offers nothing
            }
            for (BundleCapability capability : wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                Object name = capability.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
                Object version = capability.getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE);
                exported.computeIfAbsent(String.valueOf(name), k -> new ArrayList<>())
                        .add(version instanceof Version v ? v : Version.emptyVersion);
            }
        }
    }

    /** Problems found, one readable line each; empty when every import can be wired. */
    List<String> problems(PackageInspection inspection) {
        for (PackageInspection.PackagedBundle bundle : inspection.bundles()) {
            symbolicNames.add(bundle.symbolicName());
            for (HeaderClause export : bundle.exports()) {
                String version = export.attributes().getOrDefault("version", export.attributes().get("specification-version"));
                exported.computeIfAbsent(export.name(), k -> new ArrayList<>())
                        .add(version == null ? Version.emptyVersion : Version.parseVersion(version));
            }
        }
        List<String> problems = new ArrayList<>();
        for (PackageInspection.PackagedBundle bundle : inspection.bundles()) {
            if (bundle.fragmentHost() != null && !symbolicNames.contains(bundle.fragmentHost())) {
                problems.add(bundle.symbolicName() + " is a fragment of " + bundle.fragmentHost() + ", which is not installed");
            }
            for (HeaderClause imported : bundle.imports()) {
                if (imported.optional() || imported.name().startsWith("java.")) {
                    continue;
                }
                VersionRange range = range(imported.attributes().get("version"));
                List<Version> offered = exported.getOrDefault(imported.name(), List.of());
                if (offered.stream().noneMatch(range::includes)) {
                    problems.add(bundle.symbolicName() + " " + bundle.version() + " imports package " + imported.name()
                            + " " + range + ", which " + (offered.isEmpty() ? "no bundle exports"
                                    : "is exported only at " + offered));
                }
            }
        }
        return problems;
    }

    private static VersionRange range(String text) {
        if (text == null || text.isBlank()) {
            return new VersionRange("0.0.0");
        }
        try {
            return new VersionRange(text.trim());
        } catch (IllegalArgumentException e) {
            return new VersionRange("0.0.0");
        }
    }

    /** Whether a bundle revision is a fragment. */
    static boolean isFragment(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }
}
