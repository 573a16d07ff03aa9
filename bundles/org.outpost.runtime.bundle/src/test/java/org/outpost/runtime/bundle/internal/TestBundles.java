package org.outpost.runtime.bundle.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Writes small bundles for the tests: a manifest and, when asked, classes of the test classpath. */
final class TestBundles {
    private final Path dir;

    TestBundles(Path dir) {
        this.dir = dir;
    }

    /** A bundle with nothing but its name and version 1.0.0; returns its {@code file:} location. */
    String plain(String symbolicName) throws IOException {
        return write(symbolicName, Map.of());
    }

    /** A bundle with version 1.0.0, the extra manifest headers and the classes; returns its {@code file:} location. */
    String write(String symbolicName, Map<String, String> headers, Class<?>... classes) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        headers.forEach(main::putValue);
        Files.createDirectories(dir);
        Path jar = dir.resolve(symbolicName + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Class<?> type : classes) {
                String entry = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar.toUri().toString();
    }
}
