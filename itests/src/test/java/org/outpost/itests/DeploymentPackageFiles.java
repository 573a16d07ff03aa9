package org.outpost.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Deployment packages made in the test from small bundles, with the manifest Kura's tooling writes:
 * {@code DeploymentPackage-SymbolicName}/{@code -Version} in the main section, then one section per
 * bundle ({@code Name: bundles/x.jar}, {@code Bundle-SymbolicName}, {@code Bundle-Version}), the
 * manifest first and the bundles in manifest order.
 */
final class DeploymentPackageFiles {

    /** A bundle: symbolic name, version, and optional Export-Package / Import-Package headers. */
    record TestBundle(String symbolicName, String version, String exports, String imports, boolean missing) {
        static TestBundle of(String symbolicName, String version) {
            return new TestBundle(symbolicName, version, null, null, false);
        }

        TestBundle exporting(String packages) {
            return new TestBundle(symbolicName, version, packages, imports, missing);
        }

        TestBundle importing(String packages) {
            return new TestBundle(symbolicName, version, exports, packages, missing);
        }

        /** In a fix-pack: already installed, not carried. */
        TestBundle markedMissing() {
            return new TestBundle(symbolicName, version, exports, imports, true);
        }

        String resource() {
            return "bundles/" + symbolicName + "_" + version + ".jar";
        }
    }

    private DeploymentPackageFiles() {
    }

    static Path write(Path file, String name, String version, String fixPackRange, List<TestBundle> bundles) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (name != null) {
            main.putValue("DeploymentPackage-SymbolicName", name);
            main.putValue("DeploymentPackage-Version", version);
        }
        if (fixPackRange != null) {
            main.putValue("DeploymentPackage-FixPack", fixPackRange);
        }
        for (TestBundle bundle : bundles) {
            Attributes section = new Attributes();
            section.putValue("Bundle-SymbolicName", bundle.symbolicName());
            section.putValue("Bundle-Version", bundle.version());
            if (bundle.missing()) {
                section.putValue("DeploymentPackage-Missing", "true");
            }
            manifest.getEntries().put(bundle.resource(), section);
        }
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (TestBundle bundle : bundles) {
                if (bundle.missing()) {
                    continue;
                }
                jar.putNextEntry(new JarEntry(bundle.resource()));
                jar.write(bundleJar(bundle));
                jar.closeEntry();
            }
        }
        return file;
    }

    static byte[] bundleJar(TestBundle bundle) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", bundle.symbolicName());
        main.putValue("Bundle-Version", bundle.version());
        if (bundle.exports() != null) {
            main.putValue("Export-Package", bundle.exports());
        }
        if (bundle.imports() != null) {
            main.putValue("Import-Package", bundle.imports());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            if (bundle.exports() != null) {
                for (String exported : bundle.exports().split(",")) {
                    String path = exported.split(";")[0].trim().replace('.', '/') + "/";
                    jar.putNextEntry(new JarEntry(path));
                    jar.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }

    /** The first {@code keep} bytes of a package: a corrupt JAR. */
    static Path truncated(Path source, Path target, int keep) throws IOException {
        byte[] all = Files.readAllBytes(source);
        Files.write(target, java.util.Arrays.copyOf(all, Math.min(keep, all.length)));
        return target;
    }

    static List<TestBundle> list(TestBundle... bundles) {
        return new ArrayList<>(List.of(bundles));
    }
}
