package org.outpost.packaging.dp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a deployment package (OSGi Compendium, Deployment Admin): a JAR whose first entries are
 * {@code META-INF/} and the manifest, followed by the bundles in the order of the manifest's
 * named sections. The manifest is written here rather than with {@link java.util.jar.Manifest},
 * which keeps its sections in a hash map and so loses the order Deployment Admin installs in.
 */
final class DeploymentPackageWriter {
    static final String SYMBOLIC_NAME = "DeploymentPackage-SymbolicName";
    static final String VERSION = "DeploymentPackage-Version";
    static final String BUNDLE_FOLDER = "bundles/";

    /** Entries carry this time instead of the build's, so the same bundles give the same bytes. */
    private static final FileTime ENTRY_TIME = FileTime.from(Instant.parse("2000-01-01T00:00:00Z"));
    private static final int MAX_LINE_BYTES = 72;
    private static final byte[] LINE_END = {'\r', '\n'};

    private DeploymentPackageWriter() {
    }

    /** The JAR entry a bundle gets in the package. */
    static String resourceName(BundleJar bundle) {
        return BUNDLE_FOLDER + bundle.symbolicName() + "-" + bundle.versionText() + ".jar";
    }

    /**
     * Writes the package to {@code output} (through a temporary file, so a failed build leaves no
     * half-written package behind).
     *
     * @param headers main-section headers after {@code Manifest-Version}, in order; the
     *        symbolic name and version are required
     */
    static void write(Path output, Map<String, String> headers, List<BundleJar> bundles) throws IOException {
        if (!headers.containsKey(SYMBOLIC_NAME) || !headers.containsKey(VERSION)) {
            throw new IllegalArgumentException("a deployment package needs " + SYMBOLIC_NAME + " and " + VERSION);
        }
        Path absolute = output.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path partial = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".partial");
        try {
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(partial))) {
                zip.putNextEntry(entry("META-INF/"));
                zip.closeEntry();
                zip.putNextEntry(entry("META-INF/MANIFEST.MF"));
                zip.write(manifest(headers, bundles));
                zip.closeEntry();
                for (BundleJar bundle : bundles) {
                    zip.putNextEntry(entry(resourceName(bundle)));
                    Files.copy(bundle.file(), zip);
                    zip.closeEntry();
                }
            }
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    static byte[] manifest(Map<String, String> headers, List<BundleJar> bundles) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        header(out, "Manifest-Version", "1.0");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            header(out, header.getKey(), header.getValue());
        }
        for (BundleJar bundle : bundles) {
            out.write(LINE_END);
            header(out, "Name", resourceName(bundle));
            header(out, "Bundle-SymbolicName", bundle.symbolicName());
            header(out, "Bundle-Version", bundle.versionText());
        }
        out.write(LINE_END);
        return out.toByteArray();
    }

    /** One header, wrapped so no line is longer than 72 bytes; continuation lines start with a space. */
    private static void header(OutputStream out, String name, String value) throws IOException {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("manifest header " + name + " must be one line: '" + value + "'");
        }
        String line = name + ": " + value;
        int start = 0;
        int budget = MAX_LINE_BYTES;
        while (start < line.length()) {
            int end = start;
            int bytes = 0;
            while (end < line.length()) {
                int codePoint = line.codePointAt(end);
                int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
                if (bytes + size > budget) {
                    break;
                }
                bytes += size;
                end += Character.charCount(codePoint);
            }
            if (start > 0) {
                out.write(' ');
            }
            out.write(line.substring(start, end).getBytes(StandardCharsets.UTF_8));
            out.write(LINE_END);
            start = end;
            budget = MAX_LINE_BYTES - 1;
        }
    }

    private static ZipEntry entry(String name) {
        ZipEntry entry = new ZipEntry(name);
        entry.setLastModifiedTime(ENTRY_TIME);
        return entry;
    }
}
