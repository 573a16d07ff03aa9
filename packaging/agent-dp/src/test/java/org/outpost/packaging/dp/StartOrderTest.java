package org.outpost.packaging.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartOrderTest {
    @TempDir
    Path dir;

    @Test
    void exportersComeBeforeImportersWhateverTheirNames() throws Exception {
        SyntheticBundles bundles = new SyntheticBundles(dir);
        BundleJar app = bundles.read("a.app", "1.0.0", "Import-Package", "m.api;version=\"[1,2)\",z.lib");
        BundleJar api = bundles.read("m.api", "1.0.0", "Export-Package", "m.api;version=1.0.0", "Import-Package", "z.lib");
        BundleJar lib = bundles.read("z.lib", "3.0.0", "Export-Package", "z.lib;version=3.0.0");
        BundleJar loose = bundles.read("b.loose", "1.0.0");

        StartOrder.Result order = StartOrder.of(List.of(app, api, lib, loose));

        assertEquals(List.of("b.loose", "z.lib", "m.api", "a.app"), names(order.bundles()));
        assertTrue(order.brokenCycles().isEmpty());
    }

    @Test
    void anImportOutsideTheExportedVersionIsNoDependencyAndFragmentsFollowTheirHost() throws Exception {
        SyntheticBundles bundles = new SyntheticBundles(dir);
        BundleJar app = bundles.read("a.app", "1.0.0", "Import-Package", "z.lib;version=\"[4,5)\"");
        BundleJar lib = bundles.read("z.lib", "3.0.0", "Export-Package", "z.lib;version=3.0.0");
        BundleJar fragment = bundles.read("b.fragment", "1.0.0", "Fragment-Host", "z.lib");

        assertEquals(List.of("a.app", "z.lib", "b.fragment"), names(StartOrder.of(List.of(fragment, lib, app)).bundles()));
    }

    @Test
    void aCycleIsBrokenOnceAndReported() throws Exception {
        SyntheticBundles bundles = new SyntheticBundles(dir);
        BundleJar left = bundles.read("left", "1.0.0", "Export-Package", "l", "Import-Package", "r");
        BundleJar right = bundles.read("right", "1.0.0", "Export-Package", "r", "Import-Package", "l");
        BundleJar user = bundles.read("a.user", "1.0.0", "Import-Package", "l,r");

        StartOrder.Result order = StartOrder.of(List.of(user, left, right));

        assertEquals(List.of("left", "right", "a.user"), names(order.bundles()));
        assertEquals(List.of("left"), order.brokenCycles());
    }

    private static List<String> names(List<BundleJar> bundles) {
        return bundles.stream().map(BundleJar::symbolicName).toList();
    }
}
