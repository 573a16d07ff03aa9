package org.outpost.kura.internal.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

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

    static PackageInspection read(Path file) {
        requireWholeZip(file);
        try (InputStream in = Files.newInputStream(file); JarInputStream jar = new JarInputStream(in, false)) {
            Manifest manifest = jar.getManifest();
            if (manifest == null) {
                throw invalid("not a deployment package: no META-INF/MANIFEST.MF as its first entry");
            }
            Attributes main = manifest.getMainAttributes();
            String name = required(main, SYMBOLIC_NAME);
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
                bundles.put(entry.getName(), readBundle(entry.getName(), jar.readAllBytes(), manifest.getAttributes(entry.getName())));
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
    private static void requireWholeZip(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            byte[] buffer = new byte[16 * 1024];
            for (var entries = zip.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                try (InputStream in = zip.getInputStream(entry)) {
                    while (in.read(buffer) >= 0) {
                        // CRC is checked when the entry's end is reached
                    }
                }
            }
        } catch (IOException e) {
            throw invalid("corrupt package (not a readable JAR): " + e.getMessage());
        }
    }

    private static PackagedBundle readBundle(String resource, byte[] content, Attributes section) {
        Manifest manifest;
        try (JarInputStream bundle = new JarInputStream(new ByteArrayInputStream(content), false)) {
            manifest = bundle.getManifest();
            while (bundle.getNextJarEntry() != null) {
                // reading every entry proves the bundle is a whole JAR
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
        return new PackagedBundle(resource, bareName(bsn), version, false,
                host == null ? null : HeaderClause.parse(host).get(0).name(),
                HeaderClause.parse(headers.getValue("Import-Package")),
                HeaderClause.parse(headers.getValue("Export-Package")));
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
}
