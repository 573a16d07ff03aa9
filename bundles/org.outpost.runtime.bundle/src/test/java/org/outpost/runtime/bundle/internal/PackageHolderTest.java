package org.outpost.runtime.bundle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.kura.DeploymentPackages;
import org.outpost.api.kura.PackageBundle;
import org.outpost.api.kura.PackageInfo;
import org.outpost.runtime.bundle.internal.Holding.HeldPackage;
import org.outpost.workload.InstanceStatus.Phase;

class PackageHolderTest {
    private static final String URL = "file:/dp/sensors-1.0.0.dp";

    @TempDir
    Path dir;

    private TestFramework osgi;
    private final FakeDeploymentAdmin admin = new FakeDeploymentAdmin();
    private final AtomicInteger saves = new AtomicInteger();

    @BeforeEach
    void startFramework() throws Exception {
        osgi = new TestFramework(dir.resolve("felix"));
    }

    @AfterEach
    void stopFramework() throws Exception {
        osgi.close();
    }

    @Test
    void installsThePackageAndOwnsItWhenItWasNotThere() throws Exception {
        register();
        PackageHolder holder = holder(List.of());
        Instance instance = new Instance("default/dp-1");

        HeldPackage held = holder.acquire(instance, URL, null);

        assertEquals(new HeldPackage(URL, "sensors", "1.0.0"), held);
        assertEquals(List.of("sensors"), holder.installed());
        assertEquals(1, saves.get());
        assertTrue(InstanceLogs.of(instance).contains("installed deployment package sensors 1.0.0 from " + URL));
        assertEquals(0, admin.held, "the service was ungot after use");
    }

    @Test
    void usesTheServiceOnlyWhileItIsGot() throws Exception {
        register();
        PackageHolder holder = holder(List.of());
        Instance instance = new Instance("default/dp-1");
        HeldPackage held = holder.acquire(instance, URL, null);
        admin.installed.remove("sensors");

        holder.keep(instance, held);
        Verdict verdict = holder.verdict(held);
        holder.release(instance, new Holding(instance.id(), "spec-1", List.of(), null, held), List.of());

        assertEquals(List.of(), admin.usedWhileUngot, "calls made on a service already ungot");
        assertTrue(admin.calls > 0);
        assertEquals(0, admin.held);
        assertEquals(Phase.Running, verdict.phase(), verdict.reason());
        assertTrue(InstanceLogs.of(instance).contains("deployment package sensors 1.0.0 is gone; installing it again"));
    }

    @Test
    void releaseUninstallsOnlyWhatItInstalledAndNoInstanceHolds() throws Exception {
        register();
        admin.installed.put("base", new PackageInfo("base", "2.0.0", List.of()));
        PackageHolder holder = holder(List.of());
        Instance first = new Instance("default/dp-1");
        Instance second = new Instance("default/dp-2");
        HeldPackage sensors = holder.acquire(first, URL, null);
        HeldPackage base = holder.acquire(second, "file:/dp/base-2.0.0.dp", null);
        Holding stillHeld = new Holding(second.id(), "spec-1", List.of(), null, sensors);

        holder.release(first, new Holding(first.id(), "spec-1", List.of(), null, sensors), List.of(stillHeld));
        assertTrue(admin.installed.containsKey("sensors"), "another instance holds it");

        holder.release(second, new Holding(second.id(), "spec-1", List.of(), null, base), List.of());

        assertFalse(admin.installed.containsKey("sensors"));
        assertTrue(admin.installed.containsKey("base"), "it was there before");
        assertEquals(List.of(), holder.installed());
        assertTrue(InstanceLogs.of(second).contains("uninstalled deployment package sensors"), InstanceLogs.of(second).toString());
        assertTrue(InstanceLogs.of(second).contains("left deployment package base installed: it was there before"));
    }

    @Test
    void withoutDeploymentAdminAcquiringFailsAndReleasingWaits() throws Exception {
        PackageHolder holder = holder(List.of("sensors"));
        Instance instance = new Instance("default/dp-1");
        HeldPackage held = new HeldPackage(URL, "sensors", "1.0.0");

        Failure failure = assertThrows(Failure.class, () -> holder.acquire(instance, URL, null));
        holder.release(instance, new Holding(instance.id(), "spec-1", List.of(), null, held), List.of());

        assertEquals(PackageHolder.NO_DEPLOYMENT_ADMIN, failure.getMessage());
        assertEquals(new Verdict(Phase.Failed, PackageHolder.NO_DEPLOYMENT_ADMIN), holder.verdict(held));
        assertEquals(List.of("sensors"), holder.installed(), "still ours, to be removed once Deployment Admin is back");
    }

    @Test
    void aPackageThatCannotBeInstalledFailsWithTheReason() throws Exception {
        register();
        PackageHolder holder = holder(List.of());

        Failure bad = assertThrows(Failure.class, () -> holder.acquire(new Instance("default/dp-1"), "file:/dp/broken.dp", null));
        Failure notUri = assertThrows(Failure.class, () -> holder.acquire(new Instance("default/dp-1"), "file:/a b.dp", null));

        assertEquals("cannot install deployment package file:/dp/broken.dp: the package has no manifest", bad.getMessage());
        assertTrue(notUri.getMessage().startsWith("deployment package URL file:/a b.dp is not a URI: "), notUri.getMessage());
        assertEquals(List.of(), holder.installed());
        assertEquals(0, admin.held);
    }

    @Test
    void theVerdictFollowsThePackagesBundles() throws Exception {
        register();
        Bundle bundle = osgi.context().installBundle(new TestBundles(dir.resolve("jars")).plain("test.dp.sensor"));
        admin.bundles = List.of(new PackageBundle("test.dp.sensor", "1.0.0", bundle.getBundleId(), "INSTALLED"));
        PackageHolder holder = holder(List.of());
        HeldPackage held = holder.acquire(new Instance("default/dp-1"), URL, null);

        Verdict installed = holder.verdict(held);
        bundle.start();
        Verdict started = holder.verdict(held);
        Verdict otherVersion = holder.verdict(new HeldPackage(URL, "sensors", "0.9.0"));

        assertEquals(Verdict.pending("bundle test.dp.sensor 1.0.0 is INSTALLED, not ACTIVE (deployment package sensors)"), installed);
        assertEquals(Verdict.RUNNING, started);
        assertEquals(Verdict.pending("deployment package sensors 0.9.0 is not installed"), otherVersion);
    }

    private PackageHolder holder(List<String> owned) {
        return new PackageHolder(osgi.context(), owned, saves::incrementAndGet);
    }

    private void register() {
        osgi.context().registerService(DeploymentPackages.class.getName(), admin, null);
    }

    /**
     * Deployment Admin in memory, registered as a service factory so that it knows whether the
     * framework considers it got; every call made while it is not is noted.
     */
    private static final class FakeDeploymentAdmin implements ServiceFactory<DeploymentPackages>, DeploymentPackages {
        final Map<String, PackageInfo> installed = new TreeMap<>();
        final List<String> usedWhileUngot = new ArrayList<>();
        List<PackageBundle> bundles = List.of();
        int held;
        int calls;

        @Override
        public DeploymentPackages getService(Bundle bundle, ServiceRegistration<DeploymentPackages> registration) {
            held++;
            return this;
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<DeploymentPackages> registration, DeploymentPackages service) {
            held--;
        }

        private void called(String method) {
            calls++;
            if (held == 0) {
                usedWhileUngot.add(method);
            }
        }

        @Override
        public List<PackageInfo> list() {
            called("list");
            return List.copyOf(installed.values());
        }

        @Override
        public Optional<PackageInfo> get(String name) {
            called("get");
            return Optional.ofNullable(installed.get(name));
        }

        @Override
        public PackageInfo install(InputStream in, String source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PackageInfo install(URI url) {
            called("install");
            String file = url.getPath().substring(url.getPath().lastIndexOf('/') + 1);
            if (file.equals("broken.dp")) {
                throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "the package has no manifest");
            }
            String name = file.substring(0, file.indexOf('-'));
            String version = file.substring(file.indexOf('-') + 1, file.length() - ".dp".length());
            PackageInfo info = new PackageInfo(name, version, bundles);
            installed.put(name, info);
            return info;
        }

        @Override
        public PackageInfo uninstall(String name) {
            called("uninstall");
            PackageInfo gone = installed.remove(name);
            if (gone == null) {
                throw new OutpostException(ErrorCode.NOT_FOUND, "no package " + name);
            }
            return gone;
        }
    }
}
