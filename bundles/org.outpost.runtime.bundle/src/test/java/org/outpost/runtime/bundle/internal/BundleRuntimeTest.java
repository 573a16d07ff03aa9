package org.outpost.runtime.bundle.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.runtime.bundle.internal.Assignments.id;
import static org.outpost.runtime.bundle.internal.Assignments.ofBundles;
import static org.outpost.runtime.bundle.internal.Assignments.ofFeature;

import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.runtime.bundle.internal.testbundle.FailingActivator;
import org.outpost.workload.FeatureRef;
import org.outpost.workload.InstanceStatus;
import org.outpost.workload.InstanceStatus.Phase;

class BundleRuntimeTest {

    @TempDir
    Path dir;

    private TestFramework osgi;
    private TestBundles jars;
    private final List<BundleRuntime> runtimes = new ArrayList<>();

    @BeforeEach
    void startFramework() throws Exception {
        osgi = new TestFramework(dir.resolve("felix"));
        jars = new TestBundles(dir.resolve("jars"));
    }

    @AfterEach
    void stopFramework() throws Exception {
        runtimes.forEach(BundleRuntime::deactivate);
        osgi.close();
    }

    @Test
    void installsAndStartsTheBundlesAndAttachesFragments() throws Exception {
        String api = jars.write("test.api", Map.of("Export-Package", "test.api"));
        String consumer = jars.write("test.consumer", Map.of("Import-Package", "test.api"));
        String fragment = jars.write("test.api.nls", Map.of("Fragment-Host", "test.api"));
        BundleRuntime runtime = runtime();

        InstanceStatus status = runtime.apply(ofBundles("thermo-1", "spec-1", api, consumer, fragment));

        assertEquals(Phase.Running, status.phase(), status.reason());
        assertEquals(id("thermo-1"), status.id());
        assertEquals("spec-1", status.specHash());
        assertNull(status.reason());
        assertEquals(0, status.restarts());
        assertNull(status.exitCode());
        assertNotNull(Instant.parse(status.since()));
        assertEquals(Bundle.ACTIVE, osgi.bundle(api).getState());
        assertEquals(Bundle.ACTIVE, osgi.bundle(consumer).getState());
        assertEquals(Bundle.RESOLVED, osgi.bundle(fragment).getState());
        assertEquals(List.of(status), runtime.instances());
        assertTrue(Files.isRegularFile(dir.resolve("data/agent/bundle-runtime.json")));
    }

    @Test
    void applyingTheSameSpecAgainInstallsNothing() throws Exception {
        String sensor = jars.plain("test.sensor");
        BundleRuntime runtime = runtime();
        runtime.apply(ofBundles("thermo-1", "spec-1", sensor));
        long id = osgi.bundle(sensor).getBundleId();

        InstanceStatus again = runtime.apply(ofBundles("thermo-1", "spec-1", sensor));

        assertEquals(Phase.Running, again.phase());
        assertEquals(List.of(sensor), osgi.installs());
        assertEquals(id, osgi.bundle(sensor).getBundleId());
    }

    @Test
    void applyStartsAgainABundleSomeoneStopped() throws Exception {
        String sensor = jars.plain("test.sensor");
        BundleRuntime runtime = runtime();
        InstanceStatus running = runtime.apply(ofBundles("thermo-1", "spec-1", sensor));
        osgi.bundle(sensor).stop();

        InstanceStatus stopped = runtime.instances().get(0);
        InstanceStatus again = runtime.apply(ofBundles("thermo-1", "spec-1", sensor));

        assertEquals(Phase.Pending, stopped.phase());
        assertEquals("bundle test.sensor 1.0.0 is RESOLVED, not ACTIVE", stopped.reason());
        assertTrue(!Instant.parse(stopped.since()).isBefore(Instant.parse(running.since())));
        assertEquals(Phase.Running, again.phase());
        assertEquals(Bundle.ACTIVE, osgi.bundle(sensor).getState());
        assertEquals(1, osgi.installs().size());
    }

    @Test
    void aNewRuntimeOverTheSameDataDirectoryAdoptsWhatTheLastOneInstalled() throws Exception {
        String sensor = jars.plain("test.sensor");
        BundleRuntime first = runtime();
        first.apply(ofBundles("thermo-1", "spec-1", sensor));
        first.deactivate();

        BundleRuntime second = runtime();
        List<InstanceStatus> adopted = second.instances();
        InstanceStatus applied = second.apply(ofBundles("thermo-1", "spec-1", sensor));
        second.remove(id("thermo-1"));

        assertEquals(1, adopted.size());
        assertEquals(id("thermo-1"), adopted.get(0).id());
        assertEquals("spec-1", adopted.get(0).specHash());
        assertEquals(Phase.Running, adopted.get(0).phase());
        assertEquals(Phase.Running, applied.phase());
        assertEquals(List.of(sensor), osgi.installs(), "installed once, by the first runtime");
        assertNull(osgi.bundle(sensor), "the second runtime knew the first one installed it");
    }

    @Test
    void adoptsItsInstancesAfterTheFrameworkRestarts() throws Exception {
        String sensor = jars.plain("test.sensor");
        runtime().apply(ofBundles("thermo-1", "spec-1", sensor));
        runtimes.forEach(BundleRuntime::deactivate);
        runtimes.clear();

        osgi.restart();
        BundleRuntime after = runtime();

        assertEquals(List.of(Phase.Running), after.instances().stream().map(InstanceStatus::phase).toList());
        assertEquals(Phase.Running, after.apply(ofBundles("thermo-1", "spec-1", sensor)).phase());
        assertEquals(List.of(), osgi.installs());
        after.remove(id("thermo-1"));
        assertNull(osgi.bundle(sensor));
    }

    @Test
    void anUnresolvableBundleFailsAndWhatTheAttemptInstalledIsUninstalledAgain() throws Exception {
        String there = jars.plain("test.there");
        long thereId = osgi.context().installBundle(there).getBundleId();
        String good = jars.plain("test.good");
        String bad = jars.write("test.bad", Map.of("Import-Package", "org.example.missing"));
        BundleRuntime runtime = runtime();

        InstanceStatus failed = runtime.apply(ofBundles("thermo-1", "spec-1", there, good, bad));

        assertEquals(Phase.Failed, failed.phase());
        assertTrue(failed.reason().startsWith("bundle test.bad 1.0.0 does not resolve: missing requirement"), failed.reason());
        assertTrue(failed.reason().contains("org.example.missing"), failed.reason());
        assertNull(osgi.bundle(good));
        assertNull(osgi.bundle(bad));
        assertEquals(thereId, osgi.bundle(there).getBundleId());
        assertEquals(List.of(failed), runtime.instances());

        int installs = osgi.installs().size();
        InstanceStatus again = runtime.apply(ofBundles("thermo-1", "spec-1", there, good, bad));
        assertEquals(failed, again, "tried again only after a pause");
        assertEquals(installs, osgi.installs().size());
    }

    @Test
    void aBundleWhoseActivatorThrowsFails() throws Exception {
        String failing = jars.write("test.failing", Map.of("Bundle-Activator", FailingActivator.class.getName(),
                "Import-Package", "org.osgi.framework"), FailingActivator.class);
        BundleRuntime runtime = runtime();

        InstanceStatus failed = runtime.apply(ofBundles("thermo-1", "spec-1", failing));

        assertEquals(Phase.Failed, failed.phase());
        assertEquals("bundle test.failing 1.0.0 does not start: its activator threw "
                + "java.lang.IllegalStateException: the sensor port is busy", failed.reason());
        assertNull(osgi.bundle(failing));
    }

    @Test
    void aLocationThatCannotBeInstalledFails() throws Exception {
        String missing = dir.resolve("nowhere/sensor.jar").toUri().toString();
        BundleRuntime runtime = runtime();

        InstanceStatus failed = runtime.apply(ofBundles("thermo-1", "spec-1", missing));

        assertEquals(Phase.Failed, failed.phase());
        assertTrue(failed.reason().startsWith("cannot install " + missing + ": "), failed.reason());
        RuntimeRecord saved = new RecordFile(dir.resolve("data/agent/bundle-runtime.json")).read();
        assertEquals(Map.of(), saved.installedBundles(), "the claim on the location was given up");
        assertEquals(List.of(), saved.instances());
    }

    @Test
    void removeUninstallsWhatTheInstanceInstalledAndLeavesWhatWasThere() throws Exception {
        String there = jars.plain("test.there");
        Bundle before = osgi.context().installBundle(there);
        before.start();
        String own = jars.plain("test.own");
        BundleRuntime runtime = runtime();
        assertEquals(Phase.Running, runtime.apply(ofBundles("thermo-1", "spec-1", there, own)).phase());

        runtime.remove(id("thermo-1"));

        assertNull(osgi.bundle(own));
        assertEquals(Bundle.ACTIVE, before.getState());
        assertEquals(List.of(), runtime.instances());
        assertDoesNotThrow(() -> runtime.remove(id("unknown")));
    }

    @Test
    void aBundleSharedByTwoInstancesStaysUntilTheLastOneGoes() throws Exception {
        String shared = jars.plain("test.shared");
        String first = jars.plain("test.first");
        String second = jars.plain("test.second");
        BundleRuntime runtime = runtime();
        runtime.apply(ofBundles("thermo-1", "spec-1", shared, first));
        runtime.apply(ofBundles("thermo-2", "spec-1", shared, second));
        long sharedId = osgi.bundle(shared).getBundleId();

        runtime.remove(id("thermo-1"));

        assertNull(osgi.bundle(first));
        assertEquals(sharedId, osgi.bundle(shared).getBundleId());
        assertEquals(Bundle.ACTIVE, osgi.bundle(shared).getState());
        assertEquals(Phase.Running, runtime.instances().get(0).phase());

        runtime.remove(id("thermo-2"));

        assertNull(osgi.bundle(shared));
        assertNull(osgi.bundle(second));
        assertEquals(List.of(shared, first, second), osgi.installs());
    }

    @Test
    void aNewSpecInstallsTheNewSetThenUninstallsWhatOnlyTheOldOneHad() throws Exception {
        String old = jars.plain("test.old");
        String kept = jars.write("test.kept", Map.of("Export-Package", "test.kept"));
        String added = jars.write("test.added", Map.of("Import-Package", "test.kept"));
        String fragment = jars.write("test.kept.nls", Map.of("Fragment-Host", "test.kept"));
        BundleRuntime runtime = runtime();
        runtime.apply(ofBundles("thermo-1", "spec-1", old, kept));
        long keptId = osgi.bundle(kept).getBundleId();

        InstanceStatus changed = runtime.apply(ofBundles("thermo-1", "spec-2", kept, added, fragment));

        assertEquals(Phase.Running, changed.phase(), changed.reason());
        assertEquals("spec-2", changed.specHash());
        assertNull(osgi.bundle(old));
        assertEquals(keptId, osgi.bundle(kept).getBundleId());
        assertEquals(Bundle.ACTIVE, osgi.bundle(kept).getState());
        assertEquals(Bundle.ACTIVE, osgi.bundle(added).getState());
        assertEquals(Bundle.RESOLVED, osgi.bundle(fragment).getState(), "attached to the host that was there");
    }

    @Test
    void aFailedSpecChangeKeepsThePreviousBundlesRunning() throws Exception {
        String sensor = jars.plain("test.sensor");
        String bad = jars.write("test.bad", Map.of("Import-Package", "org.example.missing"));
        BundleRuntime runtime = runtime();
        runtime.apply(ofBundles("thermo-1", "spec-1", sensor));
        long sensorId = osgi.bundle(sensor).getBundleId();

        InstanceStatus failed = runtime.apply(ofBundles("thermo-1", "spec-2", sensor, bad));

        assertEquals(Phase.Failed, failed.phase());
        assertEquals("spec-2", failed.specHash());
        assertTrue(failed.reason().contains("does not resolve"), failed.reason());
        assertEquals(sensorId, osgi.bundle(sensor).getBundleId());
        assertEquals(Bundle.ACTIVE, osgi.bundle(sensor).getState());
        assertNull(osgi.bundle(bad));

        runtime.remove(id("thermo-1"));
        assertNull(osgi.bundle(sensor));
    }

    @Test
    void aFeatureNeedsKarafsFeaturesService() throws Exception {
        BundleRuntime runtime = runtime();

        InstanceStatus failed = runtime.apply(ofFeature("gateway-1", "spec-1",
                new FeatureRef("outpost-sensors", "1.0.0", "mvn:org.example/sensors/1.0.0/xml/features")));

        assertEquals(Phase.Failed, failed.phase());
        assertEquals("features need Karaf's FeaturesService, which this node does not have", failed.reason());
        assertEquals(List.of(failed), runtime.instances());
    }

    @Test
    void logsTellWhatHappenedAndFollowingSendsNewEvents() throws Exception {
        String sensor = jars.plain("test.sensor");
        BundleRuntime runtime = runtime();
        runtime.apply(ofBundles("thermo-1", "spec-1", sensor));

        List<String> lines = new ArrayList<>();
        runtime.logs(id("thermo-1"), -1, false, lines::add).close();
        List<String> last = new ArrayList<>();
        runtime.logs(id("thermo-1"), 1, false, last::add).close();

        assertTrue(lines.stream().anyMatch(line -> line.endsWith(" bundle test.sensor 1.0.0 installed from " + sensor)), lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.endsWith(" bundle test.sensor 1.0.0 started")), lines.toString());
        assertTrue(lines.get(lines.size() - 1).endsWith(" running"), lines.toString());
        lines.forEach(line -> assertNotNull(Instant.parse(line.substring(0, line.indexOf(' ')))));
        assertEquals(List.of(lines.get(lines.size() - 1)), last);

        BlockingQueue<String> followed = new LinkedBlockingQueue<>();
        Closeable following = runtime.logs(id("thermo-1"), 0, true, followed::add);
        osgi.bundle(sensor).stop();
        String stopped = followed.poll(5, TimeUnit.SECONDS);
        following.close();
        osgi.bundle(sensor).start();

        assertNotNull(stopped, "no line within 5 s");
        assertTrue(stopped.endsWith(" bundle test.sensor 1.0.0 stopped"), stopped);
        assertNull(followed.poll(300, TimeUnit.MILLISECONDS), "a line after the reader closed");
    }

    @Test
    void logsOfAnUnknownInstanceAreNotFound() {
        BundleRuntime runtime = runtime();

        OutpostException e = assertThrows(OutpostException.class, () -> runtime.logs(id("nope"), -1, false, line -> {
        }));

        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }

    @Test
    void isTheBundleRuntimeAndAlwaysAvailable() {
        BundleRuntime runtime = runtime();

        assertEquals("bundle", runtime.name());
        assertTrue(runtime.available());
        assertNull(runtime.problem());
    }

    private BundleRuntime runtime() {
        BundleRuntime runtime = new BundleRuntime();
        runtime.activate(osgi.context(), new TestNode(dir.resolve("data")));
        runtimes.add(runtime);
        return runtime;
    }
}
