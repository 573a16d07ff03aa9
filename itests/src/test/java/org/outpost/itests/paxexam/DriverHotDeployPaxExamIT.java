package org.outpost.itests.paxexam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Hashtable;
import java.util.List;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.outpost.api.NodeRegistry;
import org.outpost.api.device.DeviceService;
import org.outpost.api.device.DeviceState;
import org.outpost.api.device.DeviceStatus;
import org.outpost.api.device.FleetDevices;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.outbox.Outbox;

/**
 * A device driver comes and goes at runtime in the real distribution: with its bundle uninstalled the
 * device is Disconnected; the driver's jar dropped into Karaf's deploy/ brings the device back to
 * reading, with no restart; deleting the jar disconnects it again, and every reading taken reached
 * the server through the outbox — nothing lost on the way.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DriverHotDeployPaxExamIT extends OutpostKarafTestSupport {
    private static final String DEVICE = "pax-sim";
    private static final String DRIVER_BUNDLE = "org.outpost.device.simulated";

    @Before
    public void serverUp() {
        awaitService(NodeRegistry.class, BOOT_TIMEOUT);
    }

    @Test
    public void aDriverDroppedIntoDeployStartsItsDevicesAndRemovingItLosesNothing() throws Exception {
        DeviceService devices = awaitService(DeviceService.class, BOOT_TIMEOUT);
        FleetDevices fleet = awaitService(FleetDevices.class, BOOT_TIMEOUT);
        Outbox outbox = awaitService(Outbox.class, BOOT_TIMEOUT);
        awaitBundleActive(DRIVER_BUNDLE, BOOT_TIMEOUT);

        Configuration device = configurationAdmin.getFactoryConfiguration("org.outpost.device", DEVICE, "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("device.name", DEVICE);
        properties.put("driver.pid", "simulated");
        properties.put("level#+name", "level");
        properties.put("level#+value.type", "DOUBLE");
        properties.put("level#+poll.interval", "200");
        properties.put("level#signal", "ramp");
        properties.put("level#period", "10s");
        device.update(properties);
        await(DEVICE + " reading", BOOT_TIMEOUT, () -> good(devices));

        // the agent's feature brought the driver; take its bundle away as bundle:uninstall would
        bundle(DRIVER_BUNDLE).orElseThrow().uninstall();
        await(DEVICE + " Disconnected without its driver", BOOT_TIMEOUT, () -> status(devices) == DeviceStatus.Disconnected);
        assertTrue("the driver bundle is gone", bundle(DRIVER_BUNDLE).isEmpty());
        long takenWithFeature = devices.device(DEVICE).readings();

        Path deploy = Path.of(System.getProperty("karaf.base"), "deploy");
        Path jar = Path.of(System.getProperty("karaf.home"), "system/org/outpost", DRIVER_BUNDLE, "0.1.0",
                DRIVER_BUNDLE + "-0.1.0.jar");
        Path dropped = deploy.resolve(DRIVER_BUNDLE + ".jar");
        Files.copy(jar, dropped, StandardCopyOption.REPLACE_EXISTING);
        Bundle deployed = awaitBundleActive(DRIVER_BUNDLE, BOOT_TIMEOUT);
        assertTrue("installed by Karaf's deploy folder: " + deployed.getLocation(), deployed.getLocation().contains("deploy"));
        await(DEVICE + " Connected again", BOOT_TIMEOUT, () -> status(devices) == DeviceStatus.Connected);
        await(DEVICE + " taking new readings", BOOT_TIMEOUT, () -> devices.device(DEVICE).readings() > takenWithFeature + 10);

        Files.delete(dropped);
        await("driver bundle uninstalled with its jar", BOOT_TIMEOUT, () -> bundle(DRIVER_BUNDLE).isEmpty());
        await(DEVICE + " Disconnected again", BOOT_TIMEOUT, () -> status(devices) == DeviceStatus.Disconnected);

        long taken = devices.device(DEVICE).readings();
        await("every reading forwarded to the server", BOOT_TIMEOUT,
                () -> outbox.stats().pendingByCursor().getOrDefault("server", -1L) == 0);
        List<Reading> kept = fleet.history(NODE_NAME, DEVICE, "level", 0);
        assertEquals("each reading taken reached the server once", taken, kept.size());
        assertEquals(0, outbox.stats().dropped());
        device.delete();
    }

    private static Boolean good(DeviceService devices) {
        DeviceState state = devices.device(DEVICE);
        return state != null && state.status() == DeviceStatus.Connected
                && devices.latest(DEVICE).stream().allMatch(r -> r.quality() == Quality.GOOD);
    }

    private static DeviceStatus status(DeviceService devices) {
        DeviceState state = devices.device(DEVICE);
        return state == null ? null : state.status();
    }
}
