package org.outpost.packaging.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportCheckTest {
    @TempDir
    Path dir;

    @Test
    void importsMetByThePackageTheBaseOrTheJvmPass() throws Exception {
        SyntheticBundles bundles = new SyntheticBundles(dir);
        BundleJar scr = bundles.read("scr", "2.2.6", "Export-Package", "org.osgi.service.component;version=1.5",
                "Provide-Capability", "osgi.extender;osgi.extender=\"osgi.component\";version:Version=\"1.5\"");
        BundleJar lib = bundles.read("lib", "1.0.0", "Export-Package", "lib;version=1.0.0");
        BundleJar app = bundles.read("app", "1.0.0",
                "Import-Package", "lib;version=\"[1,2)\",org.osgi.service.component;version=\"[1.5,2)\",javax.net.ssl,"
                        + "org.apache.karaf.features;resolution:=optional;version=\"[4.4,5)\"",
                "Require-Capability", "osgi.extender;filter:=\"(&(osgi.extender=osgi.component)(version>=1.5.0))\","
                        + "osgi.service;filter:=\"(objectClass=x.Y)\";effective:=active");

        List<String> problems = new ImportCheck(List.of(lib, app), List.of(scr), ImportCheck.platformPackagesOfThisJvm()).problems();

        assertEquals(List.of(), problems);
    }

    @Test
    void everyUnmetRequirementIsNamedWithTheBundleAndWhatIsOffered() throws Exception {
        SyntheticBundles bundles = new SyntheticBundles(dir);
        BundleJar slf4j = bundles.read("slf4j.api", "1.7.36", "Export-Package", "org.slf4j;version=1.7.36");
        BundleJar oldApi = bundles.read("old.api", "1.0.0", "Export-Package", "api;version=1.0.0");
        BundleJar app = bundles.read("app", "1.0.0",
                "Import-Package", "api;version=\"[2,3)\",nowhere,org.slf4j;version=\"[2,3)\"",
                "Require-Capability", "osgi.extender;filter:=\"(osgi.extender=osgi.component)\"");
        BundleJar fragment = bundles.read("frag", "1.0.0", "Fragment-Host", "missing.host");
        BundleJar duplicate = bundles.read("slf4j.api", "1.7.36");
        BundleJar scrWithoutApi = bundles.read("scr", "2.2.6", "Import-Package", "org.osgi.service.component;version=\"[1.5,1.6)\"");

        List<String> problems = new ImportCheck(List.of(oldApi, app, fragment, duplicate), List.of(slf4j, scrWithoutApi), Set.of())
                .problems();

        assertEquals(7, problems.size(), String.join("\n", problems));
        assertTrue(problems.contains("base bundle scr 2.2.6 imports org.osgi.service.component [1.5.0,1.6.0), which neither the"
                + " package nor the base framework exports"), String.join("\n", problems));
        assertTrue(problems.contains("app 1.0.0 imports api [2.0.0,3.0.0), which neither the package nor the base framework"
                + " exports in that version (old.api exports 1.0.0)"), String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("app 1.0.0 imports nowhere any version")), String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("app 1.0.0 imports org.slf4j [2.0.0,3.0.0)")
                && p.contains("slf4j.api exports 1.7.36")), String.join("\n", problems));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("app 1.0.0 needs the osgi.component extender")), String.join("\n", problems));
        assertTrue(problems.contains("frag 1.0.0 is a fragment of missing.host, which neither the package nor the base framework has"),
                String.join("\n", problems));
        assertTrue(problems.contains("slf4j.api 1.7.36 is part of the base framework already (slf4j.api 1.7.36): leave it out of the package"),
                String.join("\n", problems));
    }
}
