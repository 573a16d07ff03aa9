package org.outpost.packaging.dp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Small bundle jars written for a test: a manifest with the given headers and one class-less file. */
final class SyntheticBundles {
    private final Path dir;

    SyntheticBundles(Path dir) {
        this.dir = dir;
    }

    /** A bundle with headers given as name, value, name, value... */
    Path write(String symbolicName, String version, String... headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        for (int i = 0; i < headers.length; i += 2) {
            main.putValue(headers[i], headers[i + 1]);
        }
        Files.createDirectories(dir);
        Path jar = dir.resolve(symbolicName + "-" + version + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("README.txt"));
            out.write(("bundle " + symbolicName).getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    BundleJar read(String symbolicName, String version, String... headers) throws IOException {
        return BundleJar.read(write(symbolicName, version, headers));
    }
}
