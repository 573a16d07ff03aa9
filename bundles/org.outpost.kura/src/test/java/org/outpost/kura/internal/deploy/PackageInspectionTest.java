package org.outpost.kura.internal.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

class PackageInspectionTest {

    @TempDir
    Path dir;

    @Test
    void readsNameVersionAndBundlesInManifestOrder() throws IOException {
        Path dp = write("ok.dp", Map.of("DeploymentPackage-SymbolicName", "org.example.demo", "DeploymentPackage-Version", "1.2.3"),
                List.of(new Resource("bundles/api.jar", bundle("org.example.api", "1.0.0", "org.example.api;version=\"1.0\"", null)),
                        new Resource("bundles/impl.jar", bundle("org.example.impl", "2.0.0", null,
                                "org.example.api;version=\"[1,2)\",org.osgi.framework;resolution:=optional"))));
        PackageInspection inspection = PackageInspection.read(dp);
        assertEquals("org.example.demo", inspection.name());
        assertEquals(new Version(1, 2, 3), inspection.version());
        assertFalse(inspection.fixPack());
        assertEquals(List.of("org.example.api", "org.example.impl"),
                inspection.bundles().stream().map(PackageInspection.PackagedBundle::symbolicName).toList());
        PackageInspection.PackagedBundle impl = inspection.bundles().get(1);
        assertEquals(2, impl.imports().size());
        assertEquals("[1,2)", impl.imports().get(0).attributes().get("version"));
        assertTrue(impl.imports().get(1).optional());
    }

    @Test
    void aPackageWithoutItsHeadersIsRefusedNamingTheHeader() throws IOException {
        Path dp = write("no-version.dp", Map.of("DeploymentPackage-SymbolicName", "x"),
                List.of(new Resource("bundles/a.jar", bundle("a", "1.0.0", null, null))));
        assertEquals("not a deployment package: the manifest has no DeploymentPackage-Version header", refusal(dp));
    }

    @Test
    void aTruncatedPackageIsCorruptWhereverItIsCut() throws IOException {
        Path dp = write("ok.dp", Map.of("DeploymentPackage-SymbolicName", "x", "DeploymentPackage-Version", "1"),
                List.of(new Resource("bundles/a.jar", bundle("a", "1.0.0", null, null))));
        byte[] whole = Files.readAllBytes(dp);
        for (int keep : List.of(10, whole.length / 3, whole.length / 2, whole.length - 10)) {
            Path cut = dir.resolve("cut-" + keep + ".dp");
            Files.write(cut, Arrays.copyOf(whole, keep));
            assertTrue(refusal(cut).startsWith("corrupt package (not a readable JAR)"), keep + ": " + refusal(cut));
        }
    }

    @Test
    void aBundleResourceThatDisagreesWithItsSectionIsRefused() throws IOException {
        Path wrongVersion = write("v.dp", Map.of("DeploymentPackage-SymbolicName", "x", "DeploymentPackage-Version", "1"),
                List.of(new Resource("bundles/a.jar", bundle("a", "1.0.1", null, null), "a", "1.0.0")));
        assertEquals("bundles/a.jar has version 1.0.1 but the package manifest says 1.0.0", refusal(wrongVersion));
        Path notABundle = write("n.dp", Map.of("DeploymentPackage-SymbolicName", "x", "DeploymentPackage-Version", "1"),
                List.of(new Resource("bundles/a.jar", "not a jar".getBytes(), "a", "1.0.0")));
        assertTrue(refusal(notABundle).startsWith("bundles/a.jar "), refusal(notABundle));
    }

    @Test
    void onlyAFixPackMayMarkBundlesMissing() throws IOException {
        Path dp = write("m.dp", Map.of("DeploymentPackage-SymbolicName", "x", "DeploymentPackage-Version", "2"),
                List.of(new Resource("bundles/a.jar", null, "a", "1.0.0")));
        assertEquals("bundles/a.jar is marked DeploymentPackage-Missing but the package is not a fix-pack", refusal(dp));
        Path fixPack = write("f.dp", Map.of("DeploymentPackage-SymbolicName", "x", "DeploymentPackage-Version", "2",
                "DeploymentPackage-FixPack", "[1,2)"), List.of(new Resource("bundles/a.jar", null, "a", "1.0.0")));
        PackageInspection inspection = PackageInspection.read(fixPack);
        assertTrue(inspection.fixPack());
        assertTrue(inspection.bundles().get(0).missing());
    }

    @Test
    void headerClausesKeepQuotedCommasAndSplitMultiplePackages() {
        List<HeaderClause> clauses = HeaderClause.parse("a.b;c.d;version=\"[1,2)\";resolution:=optional,e.f");
        assertEquals(List.of("a.b", "c.d", "e.f"), clauses.stream().map(HeaderClause::name).toList());
        assertEquals("[1,2)", clauses.get(1).attributes().get("version"));
        assertTrue(clauses.get(0).optional());
        assertFalse(clauses.get(2).optional());
        assertEquals(List.of(), HeaderClause.parse(null));
    }

    @Test
    void aPackageNameThatIsAPathIsRefused() throws IOException {
        // Deployment Admin keeps a package's data in a directory named after the package
        Path dp = write("name.dp", Map.of("DeploymentPackage-SymbolicName", "../../../../etc", "DeploymentPackage-Version", "1"),
                List.of(new Resource("bundles/a.jar", bundle("a", "1.0.0", null, null))));
        assertTrue(refusal(dp).startsWith("DeploymentPackage-SymbolicName '../../../../etc' is not a symbolic name"), refusal(dp));
    }

    @Test
    void anEntryNamedOutsideThePackageIsRefused() throws IOException {
        for (String name : List.of("../../tmp/x", "resources/../../x", "/tmp/x", "resources\\..\\x")) {
            Path dp = write("entry.dp", Map.of("DeploymentPackage-SymbolicName", "x", "DeploymentPackage-Version", "1"),
                    List.of(new Resource("bundles/a.jar", bundle("a", "1.0.0", null, null))), Map.of(name, "data".getBytes()));
            assertEquals("the package has an entry named '" + name + "', which is not a relative path inside the package",
                    refusal(dp), name);
        }
    }

    @Test
    void aPackageThatExpandsBeyondTheLimitIsRefusedWithoutHoldingIt() throws IOException {
        long limit = 1 << 20;
        // the package's own entries: a small file of zeros that expands to 2 MiB
        Path large = write("large.dp", Map.of("DeploymentPackage-SymbolicName", "x", "DeploymentPackage-Version", "1"),
                List.of(new Resource("bundles/a.jar", bundle("a", "1.0.0", null, null))), Map.of("resources/zeros", new byte[2 << 20]));
        assertTrue(Files.size(large) < 16 * 1024, "deflated: " + Files.size(large));
        assertEquals("the package expands more than 1 MiB when expanded", refusal(large, limit));
        // a bundle whose own entries expand: the package's entry stays small, the bundle's content does not
        Path nested = write("nested.dp", Map.of("DeploymentPackage-SymbolicName", "x", "DeploymentPackage-Version", "1"),
                List.of(new Resource("bundles/a.jar", bundle("a", "1.0.0", null, null, new byte[2 << 20]))));
        assertEquals("the bundles of the package expand more than 1 MiB when expanded", refusal(nested, limit));
        assertEquals("x", PackageInspection.read(nested).name(), "within the default limit");
    }

    @Test
    void malformedBundleHeadersAreRefusedNotFailed() throws IOException {
        Path emptyHost = write("host.dp", Map.of("DeploymentPackage-SymbolicName", "x", "DeploymentPackage-Version", "1"),
                List.of(new Resource("bundles/a.jar", bundle("a", "1.0.0", null, null, Map.of("Fragment-Host", " ")))));
        assertEquals("bundles/a.jar has an empty Fragment-Host header", refusal(emptyHost));
        Path badExport = write("export.dp", Map.of("DeploymentPackage-SymbolicName", "x", "DeploymentPackage-Version", "1"),
                List.of(new Resource("bundles/a.jar", bundle("a", "1.0.0", "foo;version=abc", null))));
        assertEquals("bundles/a.jar Export-Package foo version is not a version: abc", refusal(badExport));
    }

    private String refusal(Path dp) {
        return refusal(dp, PackageInspection.MAX_EXPANDED_BYTES);
    }

    private String refusal(Path dp, long maxExpandedBytes) {
        OutpostException e = assertThrows(OutpostException.class, () -> PackageInspection.read(dp, maxExpandedBytes));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        return e.getMessage();
    }

    /** A resource of the package; a null content is marked missing (fix-packs). */
    record Resource(String name, byte[] content, String symbolicName, String version) {
        Resource(String name, byte[] content) {
            this(name, content, null, null);
        }
    }

    private Path write(String file, Map<String, String> headers, List<Resource> resources) throws IOException {
        return write(file, headers, resources, Map.of());
    }

    /** The package with its bundle resources, then {@code others} as plain entries. */
    private Path write(String file, Map<String, String> headers, List<Resource> resources, Map<String, byte[]> others)
            throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach(manifest.getMainAttributes()::putValue);
        for (Resource resource : resources) {
            Attributes section = new Attributes();
            String bsn = resource.symbolicName();
            String version = resource.version();
            if (bsn == null) {
                Manifest bundleManifest = new java.util.jar.JarInputStream(new java.io.ByteArrayInputStream(resource.content())).getManifest();
                bsn = bundleManifest.getMainAttributes().getValue("Bundle-SymbolicName");
                version = bundleManifest.getMainAttributes().getValue("Bundle-Version");
            }
            section.putValue("Bundle-SymbolicName", bsn);
            section.putValue("Bundle-Version", version);
            if (resource.content() == null) section.putValue("DeploymentPackage-Missing", "true");
            manifest.getEntries().put(resource.name(), section);
        }
        Path path = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            for (Resource resource : resources) {
                if (resource.content() == null) continue;
                jar.putNextEntry(new JarEntry(resource.name()));
                jar.write(resource.content());
                jar.closeEntry();
            }
            for (Map.Entry<String, byte[]> other : others.entrySet()) {
                jar.putNextEntry(new JarEntry(other.getKey()));
                jar.write(other.getValue());
                jar.closeEntry();
            }
        }
        return path;
    }

    private static byte[] bundle(String bsn, String version, String exports, String imports) throws IOException {
        return bundle(bsn, version, exports, imports, bsn.getBytes(), Map.of());
    }

    private static byte[] bundle(String bsn, String version, String exports, String imports, byte[] content) throws IOException {
        return bundle(bsn, version, exports, imports, content, Map.of());
    }

    private static byte[] bundle(String bsn, String version, String exports, String imports, Map<String, String> headers)
            throws IOException {
        return bundle(bsn, version, exports, imports, bsn.getBytes(), headers);
    }

    private static byte[] bundle(String bsn, String version, String exports, String imports, byte[] content,
            Map<String, String> headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", bsn);
        main.putValue("Bundle-Version", version);
        if (exports != null) main.putValue("Export-Package", exports);
        if (imports != null) main.putValue("Import-Package", imports);
        headers.forEach(main::putValue);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new JarEntry("placeholder.txt"));
            jar.write(content);
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }
}
