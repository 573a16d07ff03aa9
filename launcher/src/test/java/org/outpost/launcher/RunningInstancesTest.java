package org.outpost.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "No instance here" names where instances do run and the --data-dir that reaches them. */
class RunningInstancesTest {
    @TempDir
    Path work;

    @Test
    void runningInstancesUnderTheWorkingDirectoryAreNamedWithTheirDataDir() throws Exception {
        Path demo = Files.createDirectories(work.resolve("outpost-demo"));
        Path stale = Files.createDirectories(work.resolve("old"));
        Files.writeString(stale.resolve("karaf.pid"), "999999999\n");
        // a process whose command line names the directory, as the node's JVM does
        Process node = new ProcessBuilder("bash", "-c", "sleep 60; true", demo.toString()).start();
        try {
            Files.writeString(demo.resolve("karaf.pid"), node.pid() + "\n");
            List<RunningInstances.Running> running = RunningInstances.under(work, work);
            assertEquals(List.of(new RunningInstances.Running(demo, node.pid())), running);
            assertEquals("no Outpost instance is running in " + work.resolve("outpost-data") + "; running: ./outpost-demo (pid "
                    + node.pid() + "); use ./outpost shell --data-dir outpost-demo ...",
                    RunningInstances.noInstanceMessage(work.resolve("outpost-data"), running, work, "./outpost shell"));
            assertEquals("no Outpost instance is running in /x; running: ./outpost-demo (pid " + node.pid()
                    + "); use outpost stop --data-dir outpost-demo",
                    RunningInstances.noInstanceMessage(Path.of("/x"), running, work, "outpost stop"));
        } finally {
            node.destroy();
            node.waitFor(10, TimeUnit.SECONDS);
        }
        String none = RunningInstances.noInstanceMessage(work.resolve("outpost-data"), RunningInstances.under(work, work), work,
                "./outpost shell");
        assertEquals("no Outpost instance is running in " + work.resolve("outpost-data") + ", nor in " + work
                + " or a directory under it; start one with './outpost demo' (or server, or agent --server URL --token TOKEN)", none);
        assertTrue(RunningInstances.under(work, work.resolve("missing")).isEmpty(), "an unreadable directory holds none");
    }
}
