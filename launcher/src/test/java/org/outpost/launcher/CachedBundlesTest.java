package org.outpost.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachedBundlesTest {
    @TempDir
    Path home;

    private Path cached(String dir, String location, String revision, byte[] jar) throws Exception {
        Path bundle = home.resolve("data/cache").resolve(dir);
        Files.createDirectories(bundle.resolve(revision));
        Files.writeString(bundle.resolve("bundle.info"), "7\n" + location + "\n32\n80\n", StandardCharsets.UTF_8);
        Files.write(bundle.resolve(revision).resolve("bundle.jar"), jar);
        return bundle.resolve(revision).resolve("bundle.jar");
    }

    private void shipped(String artifact, byte[] jar) throws Exception {
        Path dir = home.resolve("system/org/outpost").resolve(artifact).resolve("0.1.0");
        Files.createDirectories(dir);
        Files.write(dir.resolve(artifact + "-0.1.0.jar"), jar);
    }

    @Test
    void staleOutpostBundlesAreReplacedByTheDistributionsOthersAreLeftAlone() throws Exception {
        byte[] fresh = "new agent".getBytes(StandardCharsets.UTF_8);
        shipped("org.outpost.agent", fresh);
        shipped("org.outpost.shell", "same shell".getBytes(StandardCharsets.UTF_8));
        Path oldRevision = cached("bundle64", "mvn:org.outpost/org.outpost.agent/0.1.0", "version0.0", "old".getBytes());
        Path agent = cached("bundle64", "mvn:org.outpost/org.outpost.agent/0.1.0", "version0.1", "old agent".getBytes());
        Path shell = cached("bundle65", "mvn:org.outpost/org.outpost.shell/0.1.0/jar", "version0.0", "same shell".getBytes());
        byte[] felix = "felix scr".getBytes(StandardCharsets.UTF_8);
        Path scr = cached("bundle12", "mvn:org.apache.felix/org.apache.felix.scr/2.2.6", "version0.0", felix);

        assertEquals(1, CachedBundles.refresh(home, home.resolve("data")));
        assertArrayEquals(fresh, Files.readAllBytes(agent), "the revision the framework starts is the new jar");
        assertArrayEquals("old".getBytes(), Files.readAllBytes(oldRevision), "older revisions are not touched");
        assertArrayEquals("same shell".getBytes(), Files.readAllBytes(shell));
        assertArrayEquals(felix, Files.readAllBytes(scr));
        assertEquals(0, CachedBundles.refresh(home, home.resolve("data")), "nothing left to replace");
    }

    @Test
    void aFirstStartHasNoCache() throws Exception {
        assertEquals(0, CachedBundles.refresh(home, home.resolve("data")));
    }
}
