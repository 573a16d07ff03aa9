package org.outpost.packaging.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.packaging.dp.DeploymentPackageBuilder.PackagingException;

class DeploymentPackageBuilderTest {
    @TempDir
    Path dir;

    @Test
    void buildsAnOrderedPackageFromAFolderOfBundles() throws Exception {
        SyntheticBundles shipped = new SyntheticBundles(dir.resolve("bundles"));
        shipped.write("a.app", "1.0.0", "Import-Package", "z.lib;version=\"[1,2)\",org.osgi.framework;version=\"[1.10,2)\"");
        shipped.write("z.lib", "1.5.0", "Export-Package", "z.lib;version=1.5.0");
        new SyntheticBundles(dir.resolve("base")).write("framework", "3.21.0", "Export-Package", "org.osgi.framework;version=1.10");
        Path dp = dir.resolve("out.dp");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        List<BundleJar> written = new DeploymentPackageBuilder(new PrintStream(printed, true, StandardCharsets.UTF_8)).build(
                DeploymentPackageBuilder.options(new String[] {"--symbolic-name", "org.example.dp", "--version", "2.0-SNAPSHOT",
                        "--name", "Example", "--bundles", dir.resolve("bundles").toString(), "--base", dir.resolve("base").toString(),
                        "--output", dp.toString()}));

        assertEquals(List.of("z.lib", "a.app"), written.stream().map(BundleJar::symbolicName).toList());
        try (JarInputStream jar = new JarInputStream(Files.newInputStream(dp))) {
            Manifest manifest = jar.getManifest();
            assertEquals("2.0.0.SNAPSHOT", manifest.getMainAttributes().getValue("DeploymentPackage-Version"));
            assertEquals("Example", manifest.getMainAttributes().getValue("DeploymentPackage-Name"));
        }
        String summary = printed.toString(StandardCharsets.UTF_8);
        assertTrue(summary.contains("org.example.dp 2.0.0.SNAPSHOT: 2 bundles"), summary);
        assertTrue(summary.indexOf("z.lib 1.5.0") < summary.indexOf("a.app 1.0.0"), summary);
    }

    @Test
    void anUnresolvableImportFailsTheBuildAndWritesNothing() throws Exception {
        new SyntheticBundles(dir.resolve("bundles")).write("a.app", "1.0.0", "Import-Package", "io.netty.channel;version=\"[4.1,5)\"");
        Path dp = dir.resolve("out.dp");

        PackagingException failure = assertThrows(PackagingException.class, () -> new DeploymentPackageBuilder(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build(DeploymentPackageBuilder.options(
                        new String[] {"--symbolic-name", "x", "--version", "1.0.0", "--bundles", dir.resolve("bundles").toString(),
                                "--output", dp.toString()})));

        assertTrue(failure.getMessage().contains("a.app 1.0.0 imports io.netty.channel [4.1.0,5.0.0)"), failure.getMessage());
        assertFalse(Files.exists(dp));
    }

    @Test
    void badArgumentsAreNamed() {
        PackagingException unknown = assertThrows(PackagingException.class,
                () -> DeploymentPackageBuilder.options(new String[] {"--colour", "blue"}));
        assertTrue(unknown.getMessage().contains("'--colour'"), unknown.getMessage());
        PackagingException missing = assertThrows(PackagingException.class, () -> new DeploymentPackageBuilder(System.out)
                .build(DeploymentPackageBuilder.options(new String[] {"--version", "1.0.0"})));
        assertEquals("--symbolic-name is required", missing.getMessage());
        PackagingException version = assertThrows(PackagingException.class, () -> new DeploymentPackageBuilder(System.out)
                .build(DeploymentPackageBuilder.options(new String[] {"--symbolic-name", "x", "--version", "one"})));
        assertTrue(version.getMessage().startsWith("--version: 'one' is not an OSGi version"), version.getMessage());
    }
}
