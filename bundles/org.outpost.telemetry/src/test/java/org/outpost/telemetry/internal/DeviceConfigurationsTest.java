package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.device.Channel;
import org.outpost.api.device.ChannelMode;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceStatus;
import org.outpost.api.device.Reading;
import org.outpost.api.device.ValueType;

/** Device configurations come, change and go; each device runs once, with its driver when that is installed. */
class DeviceConfigurationsTest {

    private final ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1);
    private final InstalledDrivers drivers = new InstalledDrivers();
    private final ConcurrentLinkedQueue<Reading> readings = new ConcurrentLinkedQueue<>();
    private final AtomicInteger changes = new AtomicInteger();
    private final List<String> removed = new CopyOnWriteArrayList<>();
    private DeviceConfigurations devices = devices(DeviceLimits.defaults());

    private DeviceConfigurations devices(DeviceLimits limits) {
        return new DeviceConfigurations(drivers, limits, ticker, readings::add, changes::incrementAndGet, removed::add);
    }

    @AfterEach
    void stop() {
        devices.close();
        ticker.shutdownNow();
    }

    private static Device device(String name) {
        Channel temp = new Channel("temp", ChannelMode.READ, ValueType.DOUBLE, 1, 0, "", 20, false, true, Map.of());
        return new Device(name, "fixed", Map.of(), List.of(temp));
    }

    private static Hashtable<String, Object> properties(Device device) {
        return new Hashtable<>(DeviceConfig.toProperties(device));
    }

    @Test
    void aDeviceWaitsForItsDriverAndStopsWhenItGoes() throws Exception {
        devices.updated("org.outpost.device~boiler", properties(device("boiler")));
        assertEquals(DeviceStatus.Disconnected, devices.state("boiler").status());
        assertTrue(changes.get() > 0, "the server hears of the new device");

        FixedDriver driver = new FixedDriver("fixed", 21.5);
        drivers.add("fixed", driver, "test 1");
        devices.driverAdded("fixed", driver);
        await("a reading", () -> !readings.isEmpty());
        assertEquals(21.5, readings.peek().value());
        await("connected", () -> devices.state("boiler").status() == DeviceStatus.Connected);

        drivers.remove("fixed", driver);
        devices.driverRemoved(driver);
        assertEquals(DeviceStatus.Disconnected, devices.state("boiler").status());
        assertEquals("driver fixed is not installed", devices.state("boiler").problem());
    }

    @Test
    void aRenamedDeviceReplacesTheOldOneAndADeletedOneIsGone() {
        devices.configured("org.outpost.device~a", DeviceConfig.toProperties(device("boiler")));
        devices.configured("org.outpost.device~a", DeviceConfig.toProperties(device("boiler-2")));
        assertEquals(List.of("boiler"), removed);
        assertEquals(List.of("boiler-2"), devices.states().stream().map(s -> s.device().name()).toList());

        devices.deleted("org.outpost.device~a");
        devices.deleted("org.outpost.device~unknown");
        assertEquals(List.of("boiler", "boiler-2"), removed);
        assertNull(devices.state("boiler-2"));
        OutpostException missing = assertThrows(OutpostException.class, () -> devices.runner("boiler-2"));
        assertEquals(ErrorCode.NOT_FOUND, missing.code());
        assertEquals("no device boiler-2 on this node", missing.getMessage());
    }

    @Test
    void aSecondConfigurationOfTheSameNameAndOneBeyondTheLimitsAreShownWithTheirProblem() {
        devices.configured("org.outpost.device~a", DeviceConfig.toProperties(device("boiler")));
        devices.configured("org.outpost.device~b", DeviceConfig.toProperties(device("boiler")));
        assertEquals("another configuration (org.outpost.device~a) already defines device boiler",
                devices.state("org.outpost.device~b").problem());
        assertEquals(DeviceStatus.Error, devices.state("org.outpost.device~b").status());

        devices.close();
        devices = devices(new DeviceLimits(1, 100, 1000));
        devices.configured("org.outpost.device~a", DeviceConfig.toProperties(device("boiler")));
        devices.configured("org.outpost.device~a", DeviceConfig.toProperties(device("boiler")));
        assertEquals(DeviceStatus.Disconnected, devices.state("boiler").status(), "a device does not count against itself");
        devices.configured("org.outpost.device~c", DeviceConfig.toProperties(device("pump")));
        assertEquals(DeviceStatus.Error, devices.state("pump").status());
        assertTrue(devices.state("pump").problem().contains("devicesPerNode"), devices.state("pump").problem());
    }

    @Test
    void validationNamesTheMissingDriverAndTheLimits() {
        assertEquals(List.of("driver.pid: no driver 'fixed' is installed (installed: none)"), devices.validate(device("boiler")));
        drivers.add("fixed", new FixedDriver("fixed", 1), "test 1");
        assertEquals(List.of(), devices.validate(device("boiler")));
        List<String> unreadable = new ArrayList<>(devices.validate(new Device("boiler", "other", Map.of(), List.of())));
        assertEquals(List.of("driver.pid: no driver 'other' is installed (installed: fixed)"), unreadable);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(10);
        }
    }
}
