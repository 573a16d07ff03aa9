package org.outpost.runtime.bundle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

class BundleHolderTest {

    @TempDir
    Path dir;

    private TestFramework osgi;
    private TestBundles jars;
    private FrameworkBundles framework;
    /** What the holder owned each time it asked for the record to be saved. */
    private final List<Map<String, Long>> saved = new ArrayList<>();
    private BundleHolder holder;

    @BeforeEach
    void startFramework() throws Exception {
        osgi = new TestFramework(dir.resolve("felix"));
        jars = new TestBundles(dir.resolve("jars"));
        framework = new FrameworkBundles(osgi.context());
    }

    @AfterEach
    void stopFramework() throws Exception {
        osgi.close();
    }

    @Test
    void claimsALocationBeforeInstallingItThenOwnsItsBundle() throws Exception {
        String sensor = jars.plain("test.sensor");
        BundleHolder holder = holder(Map.of());

        holder.acquire(List.of(sensor));

        long id = osgi.bundle(sensor).getBundleId();
        assertEquals(List.of(Map.of(sensor, RuntimeRecord.CLAIMED), Map.of(sensor, id)), saved);
        assertEquals(Map.of(sensor, id), holder.installed());
        assertEquals(Bundle.ACTIVE, osgi.bundle(sensor).getState());
        assertEquals(Verdict.RUNNING, holder.verdict(List.of(sensor)));
    }

    @Test
    void usesWhatWasThereAndNeverUninstallsIt() throws Exception {
        String there = jars.plain("test.there");
        long thereId = osgi.context().installBundle(there).getBundleId();
        BundleHolder holder = holder(Map.of());
        Instance instance = new Instance("default/thermo-1");
        holder.acquire(List.of(there));

        holder.release(instance, new Holding(instance.id(), "spec-1", List.of(there), null, null), List.of());

        assertEquals(List.of(), saved, "nothing new was installed");
        assertEquals(thereId, osgi.bundle(there).getBundleId());
        assertEquals(Bundle.ACTIVE, osgi.bundle(there).getState());
        assertEquals(List.of("left " + there + " installed: it was there before"), InstanceLogs.of(instance));
    }

    @Test
    void releaseUninstallsOnlyWhatNoHoldingHolds() throws Exception {
        String shared = jars.plain("test.shared");
        String own = jars.plain("test.own");
        BundleHolder holder = holder(Map.of());
        holder.acquire(List.of(shared, own));
        Instance leaving = new Instance("default/thermo-1");
        Holding staying = new Holding("default/thermo-2", "spec-1", List.of(shared), null, null);

        holder.release(leaving, new Holding(leaving.id(), "spec-1", List.of(shared, own), null, null), List.of(staying));

        assertNull(osgi.bundle(own));
        assertEquals(Bundle.ACTIVE, osgi.bundle(shared).getState());
        assertEquals(Map.of(shared, osgi.bundle(shared).getBundleId()), holder.installed());
        assertEquals(List.of("kept " + shared + ": default/thermo-2 still use(s) it"), InstanceLogs.of(leaving));
    }

    @Test
    void aBundleSomeoneElseInstalledAgainIsLeftAlone() throws Exception {
        String sensor = jars.plain("test.sensor");
        BundleHolder holder = holder(Map.of());
        holder.acquire(List.of(sensor));
        osgi.bundle(sensor).uninstall();
        long again = osgi.context().installBundle(sensor).getBundleId();

        holder.release(new Instance("default/thermo-1"), Holding.nothing("default/thermo-1"), List.of());

        assertEquals(again, osgi.bundle(sensor).getBundleId());
        assertEquals(Map.of(), holder.installed());
    }

    @Test
    void aClaimLeftByACrashIsSettled() throws Exception {
        String installed = jars.plain("test.installed");
        String never = jars.plain("test.never");
        long id = osgi.context().installBundle(installed).getBundleId();
        BundleHolder holder = holder(Map.of(installed, RuntimeRecord.CLAIMED, never, RuntimeRecord.CLAIMED));

        assertTrue(holder.settleClaims());

        assertEquals(Map.of(installed, id), holder.installed());
        assertTrue(!holder.settleClaims(), "nothing left to settle");
    }

    @Test
    void aLocationThatCannotBeInstalledGivesUpItsClaim() throws Exception {
        String missing = dir.resolve("nowhere/sensor.jar").toUri().toString();
        BundleHolder holder = holder(Map.of());

        Failure failure = assertThrows(Failure.class, () -> holder.acquire(List.of(missing)));
        holder.release(new Instance("default/thermo-1"), Holding.nothing("default/thermo-1"), List.of());

        assertTrue(failure.getMessage().startsWith("cannot install " + missing + ": "), failure.getMessage());
        assertEquals(Map.of(), holder.installed());
        assertEquals(Map.of(missing, RuntimeRecord.CLAIMED), saved.get(0));
    }

    private BundleHolder holder(Map<String, Long> owned) {
        holder = new BundleHolder(framework, owned, () -> saved.add(holder.installed()));
        return holder;
    }
}
