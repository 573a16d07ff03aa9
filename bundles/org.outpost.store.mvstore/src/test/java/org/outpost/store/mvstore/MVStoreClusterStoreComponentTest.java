package org.outpost.store.mvstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.LocalNode;
import org.outpost.api.StoreException;

class MVStoreClusterStoreComponentTest {

    @TempDir
    Path dataDir;

    @Test
    void storeFileDefaultsToServerDbClusterMvUnderTheDataDirectory() {
        MVStoreClusterStoreComponent component = new MVStoreClusterStoreComponent(node(), config("", 10_000));
        try {
            Path expected = dataDir.resolve("server").resolve("db").resolve("cluster.mv");
            assertTrue(Files.isRegularFile(expected));
            assertEquals("mvstore " + expected.toAbsolutePath(), component.describe());
        } finally {
            component.deactivate();
        }
    }

    @Test
    void configuredRelativeFileIsTakenRelativeToTheDataDirectory() {
        MVStoreClusterStoreComponent component = new MVStoreClusterStoreComponent(node(), config("state/x.mv", 10));
        try {
            assertEquals("mvstore " + dataDir.resolve("state").resolve("x.mv").toAbsolutePath(), component.describe());
        } finally {
            component.deactivate();
        }
    }

    @Test
    void storeKeepsItsDataFromOneActivationToTheNext(@TempDir Path elsewhere) {
        String file = elsewhere.resolve("cluster.mv").toString();
        MVStoreClusterStoreComponent first = new MVStoreClusterStoreComponent(node(), config(file, 10));
        first.put("k", "v".getBytes(StandardCharsets.UTF_8));
        first.deactivate();

        MVStoreClusterStoreComponent second = new MVStoreClusterStoreComponent(node(), config(file, 10));
        try {
            assertEquals("v", second.get("k").orElseThrow().valueAsString());
            assertEquals(1, second.revision());
        } finally {
            second.deactivate();
        }
    }

    @Test
    void aDamagedStoreIsRefusedWithASentenceNamingTheFileAndTheVerifiedBackup() throws Exception {
        MVStoreClusterStoreComponent first = new MVStoreClusterStoreComponent(node(), config("", 10));
        first.put("/registry/nodes/gw-1", "{}".getBytes(StandardCharsets.UTF_8));
        first.put("/registry/nodes/gw-2", "{}".getBytes(StandardCharsets.UTF_8));
        first.deactivate();
        Path file = dataDir.resolve("server").resolve("db").resolve("cluster.mv").toAbsolutePath();
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 100);
        }

        List<String> told = new ArrayList<>();
        StoreException refused = assertThrows(StoreException.class,
                () -> new MVStoreClusterStoreComponent(node(), config("", 10), told::add));

        assertEquals(1, told.size());
        String sentence = told.get(0);
        assertEquals(sentence, refused.getMessage());
        assertTrue(sentence.startsWith("the cluster store " + file + " is damaged ("), sentence);
        assertTrue(sentence.matches(".*; start with --restore-backup to return to the verified backup of "
                + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d .+ \\(revision 2\\), or move the file away to start a new cluster"),
                sentence);
    }

    @Test
    void withoutABackupTheSentenceSaysSo() throws Exception {
        Path file = dataDir.resolve("server").resolve("db").resolve("cluster.mv").toAbsolutePath();
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[8192]);

        List<String> told = new ArrayList<>();
        assertThrows(StoreException.class, () -> new MVStoreClusterStoreComponent(node(), config("", 10), told::add));

        assertEquals(List.of("the cluster store " + file + " is damaged (" + told.get(0).substring(
                told.get(0).indexOf('(') + 1, told.get(0).indexOf(") and there")) + ") and there is no verified backup"
                + " (cluster.mv.bak); move the file away to start a new cluster"), told);
    }

    private LocalNode node() {
        return new LocalNode() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public String role() {
                return "server";
            }

            @Override
            public Path dataDir() {
                return dataDir;
            }

            @Override
            public Map<String, String> labels() {
                return Map.of();
            }

            @Override
            public String version() {
                return "0.1.0";
            }

            @Override
            public Instant started() {
                return Instant.EPOCH;
            }
        };
    }

    private static MVStoreClusterStoreComponent.Config config(String file, long historyRevisions) {
        return new MVStoreClusterStoreComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MVStoreClusterStoreComponent.Config.class;
            }

            @Override
            public String file() {
                return file;
            }

            @Override
            public long historyRevisions() {
                return historyRevisions;
            }

            @Override
            public long backupIntervalMinutes() {
                return 10;
            }
        };
    }
}
