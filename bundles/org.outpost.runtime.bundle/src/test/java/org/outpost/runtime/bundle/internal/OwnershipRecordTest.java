package org.outpost.runtime.bundle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.runtime.bundle.internal.Holding.HeldPackage;
import org.outpost.workload.FeatureRef;

class OwnershipRecordTest {
    private static final String REPO = "mvn:org.example/sensors/1.0.0/xml/features";

    @TempDir
    Path dir;

    @Test
    void savesWhatTheInstancesHoldAndWhatTheHoldersInstalled() {
        OwnershipRecord record = new OwnershipRecord(dir.resolve("agent/bundle-runtime.json"));
        Holding bundles = new Holding("default/b", "spec-2", List.of("mvn:org.example/a/1.0"), null, null);
        Holding feature = new Holding("default/a", "spec-1", List.of(), new FeatureRef("sensors", "1.0.0", REPO), null);
        Holding dp = new Holding("default/c", "spec-3", List.of(), null, new HeldPackage("file:/x.dp", "x", "1.0"));

        record.save(List.of(bundles, Holding.nothing("default/empty"), dp, feature),
                new BundleHolder(null, Map.of("mvn:org.example/a/1.0", 7L), () -> {
                }),
                new FeatureHolder(() -> null, null, null, List.of("sensors/1.0.0"), List.of(REPO), () -> {
                }),
                new PackageHolder(null, List.of("x"), () -> {
                }));
        RuntimeRecord read = record.load();

        assertEquals(List.of(feature, bundles, dp), read.instances(), "by id, without the empty holding");
        assertEquals(Map.of("mvn:org.example/a/1.0", 7L), read.installedBundles());
        assertEquals(List.of("sensors/1.0.0"), read.installedFeatures());
        assertEquals(List.of(REPO), read.addedRepositories());
        assertEquals(List.of("x"), read.installedPackages());
    }

    @Test
    void noRecordYetIsAnEmptyOne() {
        assertEquals(RuntimeRecord.EMPTY, new OwnershipRecord(dir.resolve("agent/bundle-runtime.json")).load());
    }

    @Test
    void anUnreadableRecordIsSetAsideAndTheRuntimeStartsEmpty() throws Exception {
        Path file = dir.resolve("agent/bundle-runtime.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{ not json");

        RuntimeRecord read = new OwnershipRecord(file).load();

        assertEquals(RuntimeRecord.EMPTY, read);
        assertFalse(Files.exists(file));
        try (Stream<Path> files = Files.list(file.getParent())) {
            List<Path> aside = files.toList();
            assertEquals(1, aside.size());
            assertTrue(aside.get(0).getFileName().toString().startsWith("bundle-runtime.json.unreadable-"), aside.toString());
            assertEquals("{ not json", Files.readString(aside.get(0)));
        }
    }

    @Test
    void aRecordThatCannotBeWrittenIsLoggedNotThrown() throws Exception {
        Files.writeString(dir.resolve("agent"), "a file where the directory should be");
        OwnershipRecord record = new OwnershipRecord(dir.resolve("agent/bundle-runtime.json"));

        record.save(List.of(), new BundleHolder(null, Map.of(), () -> {
        }), new FeatureHolder(() -> null, null, null, List.of(), List.of(), () -> {
        }), new PackageHolder(null, List.of(), () -> {
        }));

        assertEquals("a file where the directory should be", Files.readString(dir.resolve("agent")));
    }
}
