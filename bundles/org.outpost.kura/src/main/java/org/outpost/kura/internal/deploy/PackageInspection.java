package org.outpost.kura.internal.deploy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.osgi.framework.Version;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/**
 * What a deployment package file says about itself, read before Deployment Admin sees it so that
 * a broken file is refused with a message that names the problem: the headers it lacks, the entry
 * that is not a JAR, the bundles it carries with their imports and exports.
 */
record PackageInspection(String name, Version version, boolean fixPack, List<PackagedBundle> bundles) {

    static final String SYMBOLIC_NAME = "DeploymentPackage-SymbolicName";
    static final String VERSION = "DeploymentPackage-Version";
    static final String FIX_PACK = "DeploymentPackage-FixPack";
    static final String MISSING = "DeploymentPackage-Missing";

    /** A bundle resource of the package; {@code missing} ones are in a fix-pack's base only. */
    record PackagedBundle(String resource, String symbolicName, Version version, boolean missing,
            String fragmentHost, List<HeaderClause> imports, List<HeaderClause> exports) {
    }

    /** OSGi's symbolic-name: tokens separated by dots. */
    private static final Pattern SYMBOLIC_NAME_SYNTAX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    /**
     * How far the package may expand when it is read. Deflate reaches about 1000:1 and a bundle
     * is a JAR inside the package, so a small file could otherwise take minutes of CPU to read.
     */
    static final long MAX_EXPANDED_BYTES = 4L * 1024 * 1024 * 1024;
    static final long MAX_MANIFEST_BYTES = 4L * 1024 * 1024;

    static PackageInspection read(Path file) {
        return read(file, MAX_EXPANDED_BYTES);
    }

    static PackageInspection read(Path file, long maxExpandedBytes) {
        try {
            return inspect(file, maxExpandedBytes);
        } catch (OutpostException e) {
            throw e;
        } catch (RuntimeException e) {
            // headers the JDK's or OSGi's parsers refuse: the package is at fault, not the gateway
            throw invalid("the package's manifests are not valid: " + e);
        }
    }

    private static PackageInspection inspect(Path file, long maxExpandedBytes) {
        requireWholeZip(file, maxExpandedBytes);
        ExpansionBudget bundleContents = new ExpansionBudget(maxExpandedBytes, "the bundles of the package expand");
        try (InputStream in = Files.newInputStream(file); JarInputStream jar = new JarInputStream(in, false)) {
            Manifest manifest = jar.getManifest();
            if (manifest == null) {
                throw invalid("not a deployment package: no META-INF/MANIFEST.MF as its first entry");
            }
            Attributes main = manifest.getMainAttributes();
            String name = required(main, SYMBOLIC_NAME);
            if (!SYMBOLIC_NAME_SYNTAX.matcher(name).matches()) {
                // Deployment Admin keeps a package's data in a directory of this name
                throw invalid(SYMBOLIC_NAME + " '" + name + "' is not a symbolic name (letters, digits, '_' and '-', separated by single dots)");
            }
            Version version = version(required(main, VERSION), VERSION);
            boolean fixPack = main.getValue(FIX_PACK) != null;
            Map<String, PackagedBundle> bundles = new LinkedHashMap<>();
            List<String> bundleResources = new ArrayList<>();
            for (Map.Entry<String, Attributes> section : manifest.getEntries().entrySet()) {
                Attributes attributes = section.getValue();
                String bsn = attributes.getValue("Bundle-SymbolicName");
                if (bsn == null) {
                    continue;
                }
                String bundleVersion = attributes.getValue("Bundle-Version");
                if (bundleVersion == null) {
                    throw invalid("manifest section " + section.getKey() + " has Bundle-SymbolicName but no Bundle-Version");
                }
                bundleResources.add(section.getKey());
                if ("true".equalsIgnoreCase(attributes.getValue(MISSING))) {
                    if (!fixPack) {
                        throw invalid(section.getKey() + " is marked " + MISSING + " but the package is not a fix-pack");
                    }
                    bundles.put(section.getKey(), new PackagedBundle(section.getKey(), bareName(bsn),
                            version(bundleVersion, "Bundle-Version of " + section.getKey()), true, null, List.of(), List.of()));
                }
            }
            for (var entry = jar.getNextJarEntry(); entry != null; entry = jar.getNextJarEntry()) {
                if (entry.isDirectory() || !bundleResources.contains(entry.getName())) {
                    continue;
                }
                bundles.put(entry.getName(), readBundle(entry.getName(), jar, bundleContents, manifest.getAttributes(entry.getName())));
            }
            // in the order the package carries them (java.util.jar.Manifest does not keep section order)
            List<PackagedBundle> ordered = new ArrayList<>(bundles.values());
            for (String resource : bundleResources) {
                if (!bundles.containsKey(resource)) {
                    throw invalid("the manifest names " + resource + " but the package does not contain it");
                }
            }
            return new PackageInspection(name, version, fixPack, ordered);
        } catch (ZipException e) {
            throw invalid("corrupt package (not a readable JAR): " + e.getMessage());
        } catch (IOException e) {
            throw invalid("cannot read the package: " + e.getMessage());
        }
    }

    /**
     * Reads the archive's central directory and every entry with its checksum: a truncated or
     * damaged file is found here, whereas a stream reader may simply stop early.
     */
    private static void requireWholeZip(Path file, long maxExpandedBytes) {
        ExpansionBudget expansion = new ExpansionBudget(maxExpandedBytes, "the package expands");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            byte[] buffer = new byte[16 * 1024];
            for (var entries = zip.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                requireRelativeName(entry.getName());
                ExpansionBudget manifest = new ExpansionBudget(MAX_MANIFEST_BYTES, "the package's manifest is");
                try (InputStream in = zip.getInputStream(entry)) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        // CRC is checked when the entry's end is reached
                        expansion.spend(n);
                        if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                            manifest.spend(n); // java.util.jar reads a manifest into memory whole
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw invalid("corrupt package (not a readable JAR): " + e.getMessage());
        }
    }

    /**
     * Deployment Admin writes resources under their entry names into its own storage: a name that
     * could leave it (absolute, a '..' segment, a backslash) is refused.
     */
    static void requireRelativeName(String name) {
        boolean escapes = name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0
                || Arrays.asList(name.split("/", -1)).contains("..");
        if (escapes) {
            throw invalid("the package has an entry named '" + name + "', which is not a relative path inside the package");
        }
    }

    private static PackagedBundle readBundle(String resource, InputStream content, ExpansionBudget expansion, Attributes section) {
        Manifest manifest = null;
        // read as the package's stream expands it, never held whole; every entry is read, which proves
        // the bundle is a whole JAR, and counted, so that a bundle cannot expand without bound
        // closing the bundle's reader (its Inflater) must leave the package's stream open for its next entry
        InputStream currentEntry = new FilterInputStream(content) {
            @Override
            public void close() {
            }
        };
        try (ZipInputStream bundle = new ZipInputStream(currentEntry)) {
            byte[] buffer = new byte[16 * 1024];
            for (ZipEntry entry = bundle.getNextEntry(); entry != null; entry = bundle.getNextEntry()) {
                boolean isManifest = entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME);
                ByteArrayOutputStream manifestBytes = isManifest ? new ByteArrayOutputStream() : null;
                ExpansionBudget manifestSize = new ExpansionBudget(MAX_MANIFEST_BYTES, resource + "'s manifest is");
                for (int n = bundle.read(buffer); n >= 0; n = bundle.read(buffer)) {
                    expansion.spend(n);
                    if (isManifest) {
                        manifestSize.spend(n);
                        manifestBytes.write(buffer, 0, n);
                    }
                }
                if (isManifest && manifest == null) {
                    manifest = new Manifest(new ByteArrayInputStream(manifestBytes.toByteArray()));
                }
            }
        } catch (IOException e) {
            throw invalid(resource + " is not a readable JAR: " + e.getMessage());
        }
        if (manifest == null) {
            throw invalid(resource + " has no manifest: it is not a bundle");
        }
        Attributes headers = manifest.getMainAttributes();
        String bsn = headers.getValue("Bundle-SymbolicName");
        if (bsn == null) {
            throw invalid(resource + " has no Bundle-SymbolicName: it is not a bundle");
        }
        String declaredName = bareName(section.getValue("Bundle-SymbolicName"));
        if (!bareName(bsn).equals(declaredName)) {
            throw invalid(resource + " is bundle " + bareName(bsn) + " but the package manifest says " + declaredName);
        }
        Version version = version(headers.getValue("Bundle-Version") == null ? "0" : headers.getValue("Bundle-Version"),
                "Bundle-Version of " + resource);
        Version declaredVersion = version(section.getValue("Bundle-Version"), "Bundle-Version of " + resource);
        if (!version.equals(declaredVersion)) {
            throw invalid(resource + " has version " + version + " but the package manifest says " + declaredVersion);
        }
        String host = headers.getValue("Fragment-Host");
        List<HeaderClause> hosts = HeaderClause.parse(host);
        if (host != null && hosts.isEmpty()) {
            throw invalid(resource + " has an empty Fragment-Host header");
        }
        List<HeaderClause> exports = HeaderClause.parse(headers.getValue("Export-Package"));
        for (HeaderClause export : exports) {
            String exportVersion = export.attributes().getOrDefault("version", export.attributes().get("specification-version"));
            if (exportVersion != null) {
                version(exportVersion, resource + " Export-Package " + export.name() + " version");
            }
        }
        return new PackagedBundle(resource, bareName(bsn), version, false, hosts.isEmpty() ? null : hosts.get(0).name(),
                HeaderClause.parse(headers.getValue("Import-Package")), exports);
    }

    private static String bareName(String symbolicName) {
        int semicolon = symbolicName.indexOf(';');
        return (semicolon < 0 ? symbolicName : symbolicName.substring(0, semicolon)).trim();
    }

    private static String required(Attributes main, String header) {
        String value = main.getValue(header);
        if (value == null || value.isBlank()) {
            throw invalid("not a deployment package: the manifest has no " + header + " header");
        }
        return value.trim();
    }

    private static Version version(String text, String what) {
        try {
            return Version.parseVersion(text.trim());
        } catch (IllegalArgumentException e) {
            throw invalid(what + " is not a version: " + text);
        }
    }

    static OutpostException invalid(String message) {
        return new OutpostException(ErrorCode.INVALID_ARGUMENT, message);
    }

    /** Bytes that may still be read before the package is refused as too large when expanded. */
    private static final class ExpansionBudget {
        private final long limit;
        private final String what;
        private long spent;

        ExpansionBudget(long limit, String what) {
            this.limit = limit;
            this.what = what;
        }

        void spend(int bytes) {
            spent += bytes;
            if (spent > limit) {
                throw invalid(what + " more than " + (limit >> 20) + " MiB when expanded");
            }
        }
    }
}
