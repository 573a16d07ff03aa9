package org.outpost.store.mvstore.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.KeyValue;

/** Kills a writing JVM with SIGKILL and checks that every write it acknowledged survived. */
class CrashRecoveryTest {

    private static final int ACKS_BEFORE_KILL = 200;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void everyAcknowledgedWriteSurvivesAKilledProcess() throws Exception {
        Path file = dir.resolve("cluster.mv");
        Path childErrors = dir.resolve("child-stderr.txt");
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), CrashTestWriter.class.getName(), file.toString())
                .redirectError(childErrors.toFile())
                .start();
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
            while (acknowledged.size() < ACKS_BEFORE_KILL) {
                String line = out.readLine();
                if (line == null) {
                    fail("the writer exited early; its errors:\n" + Files.readString(childErrors));
                }
                assertTrue(line.startsWith("acked "), line);
                acknowledged.add(line.substring("acked ".length()));
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the writer did not die");
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL");

        try (MVStoreKv store = MVStoreKv.open(file, MVStoreKv.Options.defaults())) {
            for (String key : acknowledged) {
                KeyValue kv = store.get(key).orElseThrow(() -> new AssertionError("lost acknowledged " + key));
                assertArrayEquals(CrashTestWriter.valueOf(key), kv.value(), key);
            }
            List<KeyValue> all = store.list("crash/");
            assertTrue(all.size() >= acknowledged.size());
            assertEquals(all.size(), store.revision(), "the revision counter matches the writes on disk");
            assertEquals(all.size(), all.stream().mapToLong(KeyValue::modRevision).distinct().count());
        }
    }
}
