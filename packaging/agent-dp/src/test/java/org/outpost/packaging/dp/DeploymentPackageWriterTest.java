package org.outpost.packaging.dp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentPackageWriterTest {
    @TempDir
    Path dir;

    @Test
    void manifestComesFirstAndBundlesFollowInManifestOrder() throws Exception {
        SyntheticBundles bundles = new SyntheticBundles(dir.resolve("in"));
        BundleJar second = bundles.read("z.second", "2.0.0.Final");
        BundleJar first = bundles.read("a.first", "1.0.0");
        Path dp = dir.resolve("out/test.dp");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DeploymentPackageWriter.SYMBOLIC_NAME, "org.example.dp");
        headers.put(DeploymentPackageWriter.VERSION, "1.2.3");

        DeploymentPackageWriter.write(dp, headers, List.of(second, first));

        List<String> entries = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(dp))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.add(entry.getName());
            }
        }
        assertEquals(List.of("META-INF/", "META-INF/MANIFEST.MF", "bundles/z.second-2.0.0.Final.jar", "bundles/a.first-1.0.0.jar"),
                entries);

        String manifest = new String(DeploymentPackageWriter.manifest(headers, List.of(second, first)), "UTF-8");
        assertTrue(manifest.indexOf("Name: bundles/z.second") < manifest.indexOf("Name: bundles/a.first"), manifest);

        try (JarInputStream jar = new JarInputStream(Files.newInputStream(dp))) {
            Manifest read = jar.getManifest();
            assertNotNull(read, "JarInputStream finds the manifest, as Deployment Admin reads it");
            assertEquals("org.example.dp", read.getMainAttributes().getValue("DeploymentPackage-SymbolicName"));
            assertEquals("2.0.0.Final", read.getAttributes("bundles/z.second-2.0.0.Final.jar").getValue("Bundle-Version"));
            assertEquals("a.first", read.getAttributes("bundles/a.first-1.0.0.jar").getValue("Bundle-SymbolicName"));
            assertEquals("bundles/z.second-2.0.0.Final.jar", jar.getNextJarEntry().getName());
            byte[] copied = jar.readAllBytes();
            try (InputStream original = Files.newInputStream(second.file())) {
                assertArrayEquals(original.readAllBytes(), copied, "bundle bytes unchanged");
            }
        }
    }

    @Test
    void longHeadersWrapAt72BytesWithoutSplittingCharacters() throws Exception {
        BundleJar bundle = new SyntheticBundles(dir).read("org.example.with.a.rather.long.symbolic.name.that.needs.wrapping", "1.0.0");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(DeploymentPackageWriter.SYMBOLIC_NAME, "org.example.dp");
        headers.put(DeploymentPackageWriter.VERSION, "1.0.0");
        String description = "Ünïcödé ".repeat(20).trim();
        headers.put("DeploymentPackage-Description", description);

        byte[] bytes = DeploymentPackageWriter.manifest(headers, List.of(bundle));

        for (String line : new String(bytes, "UTF-8").split("\r\n")) {
            assertTrue(line.getBytes("UTF-8").length <= 72, "line too long: " + line);
        }
        Manifest read = new Manifest(new java.io.ByteArrayInputStream(bytes));
        assertEquals(description, read.getMainAttributes().getValue("DeploymentPackage-Description"));
        assertEquals(bundle.symbolicName(), read.getAttributes(DeploymentPackageWriter.resourceName(bundle)).getValue("Bundle-SymbolicName"));
    }
}
