package org.outpost.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.itests.OutpostProcesses.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.itests.OutpostProcesses.Node;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A server whose cluster store was damaged while it was stopped refuses to start, naming the file
 * and the way out, and exits non-zero instead of staying up without its HTTPS port; started with
 * {@code --restore-backup} it comes back from its verified backup and still knows its state.
 */
class DamagedStoreE2EIT {

    /** A start that refuses its store must end well within this; the figure measured is printed. */
    private static final Duration REFUSAL_DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path work;
    private OutpostProcesses outpost;

    @AfterEach
    void stop() {
        outpost.close();
    }

    @Test
    void aTruncatedOrBitFlippedStoreIsRefusedAndTheVerifiedBackupBringsTheClusterBack() throws Exception {
        outpost = new OutpostProcesses(work);
        int port = OutpostProcesses.freePort();
        Node server = outpost.server("srv", port);
        outpost.awaitConsole(server);
        Path db = outpost.dir("srv").resolve("server/db");
        Path store = db.resolve("cluster.mv");

        // state worth keeping: a label on the node and a workload
        assertEquals(0, outpost.shell(server, "edge:label", "srv", "zone=plant-a").exitCode());
        Path manifest = Files.writeString(work.resolve("keeper.yaml"), String.join("\n",
                "apiVersion: apps/v1",
                "kind: Deployment",
                "metadata: {name: keeper}",
                "spec:",
                "  replicas: 1",
                "  selector: {matchLabels: {app: keeper}}",
                "  template:",
                "    metadata: {labels: {app: keeper}}",
                "    spec:",
                "      nodeSelector: {never: 'matches'}",
                "      containers:",
                "      - {name: main, image: 'outpost/busybox:1'}",
                ""));
        OutpostProcesses.Result deployed = outpost.shell(server, "edge:deploy", "-f", manifest.toString());
        assertEquals(0, deployed.exitCode(), deployed.output());
        stopCleanly(server);

        assertTrue(Files.isRegularFile(db.resolve("cluster.mv.bak")), "a clean stop writes the verified backup");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db.resolve("cluster.mv.bak"))));
        Path intact = work.resolve("cluster.mv.intact");
        Files.copy(store, intact);

        // the last bytes cut off
        try (RandomAccessFile file = new RandomAccessFile(store.toFile(), "rw")) {
            file.setLength(file.length() - 100);
        }
        assertRefused(port, store, "truncated");

        // bytes flipped inside the file's chunks
        Files.copy(intact, store, StandardCopyOption.REPLACE_EXISTING);
        flipChunkStarts(store);
        assertRefused(port, store, "bit-flipped");

        Node restored = outpost.server("srv", port, "--restore-backup");
        outpost.awaitConsole(restored);
        String said = restored.output();
        assertTrue(said.contains("outpost: moved the cluster store " + store + " aside to cluster.mv.damaged-"), said);
        assertTrue(said.contains("outpost: restored the verified backup of "), said);
        try (Stream<Path> files = Files.list(db)) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("cluster.mv.damaged-")).count(),
                    "the damaged file is kept aside");
        }
        JsonNode srv = null;
        for (JsonNode node : outpost.nodes(restored)) {
            if (node.path("name").asText().equals("srv")) {
                srv = node;
            }
        }
        assertTrue(srv != null && srv.toString().contains("plant-a"), "the node and its label are back: " + srv);
        OutpostProcesses.Result workloads = outpost.shell(restored, "edge:workloads");
        assertTrue(workloads.output().contains("keeper"), workloads.output());
    }

    private void assertRefused(int port, Path store, String how) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Node refused = outpost.server("srv", port);
        boolean exited = refused.process().waitFor(REFUSAL_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(exited, "a " + how + " store must end the process" + OutpostProcesses.diagnostics(refused));
        System.out.printf("DamagedStoreE2EIT: %s store refused, process exited %d after %.1f s%n", how,
                refused.process().exitValue(), took.toMillis() / 1000.0);
        assertNotEquals(0, refused.process().exitValue(), refused.output());
        String said = refused.output();
        assertTrue(said.contains("outpost: the cluster store " + store + " is damaged ("), said);
        assertTrue(said.contains("start with --restore-backup to return to the verified backup of "), said);
        assertTrue(!said.contains("listening on"), "never a half-started server: " + said);
    }

    private void stopCleanly(Node node) throws IOException, InterruptedException {
        OutpostProcesses.Result stop = outpost.run(Duration.ofSeconds(120), "stop", "--data-dir", node.dataDir().toString());
        assertEquals(0, stop.exitCode(), stop.output());
        await(node.name() + " exits", Duration.ofSeconds(60), () -> !node.process().isAlive());
    }

    /**
     * XORs the first bytes after every chunk header (chunks start on 4 KiB blocks with a text
     * header "chunk:...\n"): the start of each chunk's first page, live chunks included. Flipping
     * bytes at fixed offsets is not enough, as most of a store file can be free space.
     */
    private static void flipChunkStarts(Path path) throws IOException {
        byte[] data = Files.readAllBytes(path);
        int flipped = 0;
        for (int block = 0; block + 1024 <= data.length; block += 4096) {
            if (!new String(data, block, 6, StandardCharsets.ISO_8859_1).equals("chunk:")) {
                continue;
            }
            for (int i = block; i < block + 1024; i++) {
                if (data[i] == '\n') {
                    for (int j = i + 1; j <= i + 8; j++) {
                        data[j] ^= (byte) 0x5a;
                    }
                    flipped++;
                    break;
                }
            }
        }
        assertTrue(flipped > 0, "no chunk found in " + path);
        Files.write(path, data);
    }
}
