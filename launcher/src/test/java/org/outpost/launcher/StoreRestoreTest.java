package org.outpost.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreRestoreTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    private final Clock clock = Clock.fixed(Instant.parse("2025-03-04T05:06:07Z"), ZoneOffset.UTC);

    private Path db(Instance instance) {
        return instance.dir().resolve("server").resolve("db");
    }

    @Test
    void theDamagedStoreIsKeptAsideAndACopyOfTheBackupTakesItsPlace() throws Exception {
        Instance instance = new Instance(tmp, tmp.resolve("data"));
        Files.createDirectories(db(instance));
        Files.write(db(instance).resolve("cluster.mv"), new byte[] {1, 2, 3});
        Files.write(db(instance).resolve("cluster.mv.bak"), new byte[] {4, 5});

        StoreRestore.restore(instance, out, clock);

        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(db(instance).resolve("cluster.mv.damaged-20250304-050607")));
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(db(instance).resolve("cluster.mv")));
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(db(instance).resolve("cluster.mv.bak")), "the backup stays");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db(instance).resolve("cluster.mv"))));
        assertFalse(Files.exists(db(instance).resolve("cluster.mv.restoring")));
        String said = printed.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("moved the cluster store " + db(instance).resolve("cluster.mv")
                + " aside to cluster.mv.damaged-20250304-050607"), said);
        assertTrue(said.contains("restored the verified backup of "), said);

        // a second restore in the same second keeps the first damaged copy too
        StoreRestore.restore(instance, out, clock);
        assertTrue(Files.exists(db(instance).resolve("cluster.mv.damaged-20250304-050607-2")));
    }

    @Test
    void withoutABackupTheServerRefusesToStartWithASentence() throws Exception {
        Main main = new Main(tmp, out);
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("server").resolve("db"));
        Files.write(data.resolve("server").resolve("db").resolve("cluster.mv"), new byte[] {1});

        UsageException refused = assertThrows(UsageException.class,
                () -> main.run(List.of("server", "--data-dir", data.toString(), "--restore-backup")));

        assertEquals("--restore-backup: there is no verified backup " + data.resolve("server/db/cluster.mv.bak")
                + "; move cluster.mv away to start a new cluster instead", refused.getMessage());
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(data.resolve("server").resolve("db").resolve("cluster.mv")),
                "nothing was moved");
        assertThrows(UsageException.class,
                () -> main.run(List.of("demo", "--data-dir", data.toString(), "--restore-backup")));
    }
}
