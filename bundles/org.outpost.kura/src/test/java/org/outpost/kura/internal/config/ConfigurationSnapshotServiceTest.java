package org.outpost.kura.internal.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.kura.internal.config.ConfigFramework.KARAF_PID;
import static org.outpost.kura.internal.config.ConfigFramework.PUMP;
import static org.outpost.kura.internal.config.ConfigFramework.VALVE;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.device.Channel;
import org.outpost.api.device.ChannelMode;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceService;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleConfig;
import org.outpost.api.device.RuleKind;
import org.outpost.api.device.ValueType;
import org.outpost.api.kura.ComponentConfiguration;

/** The snapshot service against a real framework's Felix Config Admin and Metatype. */
class ConfigurationSnapshotServiceTest {
    private static final String DEVICE_FACTORY = DeviceConfig.FACTORY_PID;

    @TempDir
    Path dir;

    private ConfigFramework osgi;
    private ConfigurationSnapshotService service;

    @BeforeEach
    void startFramework() throws Exception {
        osgi = new ConfigFramework(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (service != null) service.close();
        if (osgi != null) osgi.close();
    }

    private ConfigurationSnapshotService service(int keep, long quietMillis, boolean automatic) throws Exception {
        service = new ConfigurationSnapshotService(osgi.configAdmin(), osgi.metatype(), osgi.context(), dir.resolve("snapshots"),
                new ConfigurationSnapshotService.Settings(keep, quietMillis, automatic));
        osgi.listen(service::configurationEvent);
        return service;
    }

    static Map<String, Object> device(String name, double scale) {
        Channel temp = new Channel("temp", ChannelMode.READ, ValueType.DOUBLE, scale, 0.0, "C", 1000, false, true, Map.of("register", "7"));
        return DeviceConfig.toProperties(new Device(name, "simulated", Map.of("period", "1s"), List.of(temp)));
    }

    static Map<String, Object> rule(String name, double above) {
        return RuleConfig.toProperties(new Rule(name, "boiler-1", "temp", RuleKind.THRESHOLD, above, null, 5000, 1.0, 0, 0,
                Rule.ORIGIN_LOCAL));
    }

    private static Map<String, Object> everyType() {
        Map<String, Object> pump = new HashMap<>();
        pump.put("rate", 42);
        pump.put("gain", 2.25);
        pump.put("enabled", false);
        pump.put("mode", "manual");
        pump.put("sensors", new String[] { "in", "out", "mid" });
        pump.put("ports", new Integer[] { 8080 });
        pump.put("secret", "s3cret");
        pump.put("limit", 123_456_789_012L);
        pump.put("ratio", 0.25f);
        pump.put("code", 'q');
        pump.put("level", (short) 12);
        pump.put("flags", (byte) -3);
        pump.put("felix.fileinstall.filename", "file:/opt/outpost/etc/org.outpost.test.pump.cfg");
        pump.put("node.target", "(role=agent)");
        return pump;
    }

    @Test
    void listsDescribedOutpostComponentsDevicesAndRulesOnly() throws Exception {
        osgi.put(PUMP, Map.of("rate", 20, "component.name", "x", "felix.fileinstall.filename", "file:/etc/pump.cfg"));
        osgi.putFactory(VALVE, "v1", Map.of("port", 502));
        osgi.putFactory(DEVICE_FACTORY, "boiler-1", device("boiler-1", 1.0));
        osgi.putFactory(DeviceService.RULE_FACTORY_PID, "hot", rule("hot", 90));
        osgi.put(KARAF_PID, Map.of("x", "z"));
        osgi.put("org.ops4j.pax.logging", Map.of("log4j2.rootLogger.level", "INFO"));
        osgi.put("org.outpost.undescribed", Map.of("a", "b"));

        List<ComponentConfiguration> components = service(10, 50, false).components();

        List<String> names = components.stream().map(c -> c.pid() + "|" + c.factoryPid()).toList();
        assertEquals(List.of("boiler-1|" + DEVICE_FACTORY, "hot|" + DeviceService.RULE_FACTORY_PID, PUMP + "|null", VALVE + "~v1|" + VALVE),
                names);
        ComponentConfiguration pump = components.get(2);
        assertEquals(20, pump.properties().get("rate"));
        assertEquals(1.5, pump.properties().get("gain"), "defaults fill what is not set");
        assertFalse(pump.properties().containsKey("component.name"));
        assertFalse(pump.properties().containsKey("felix.fileinstall.filename"));
        assertFalse(pump.properties().containsKey("secret"), "no value and no default: not shown");
        assertEquals("simulated", components.get(0).properties().get(DeviceConfig.DRIVER_PID));
        assertEquals(Map.of("port", 502, "label", "valve"), components.get(3).properties());
    }

    @Test
    void describedSingletonWithoutConfigurationIsExportedWithDefaultsAndReimportingItCreatesNothing() throws Exception {
        ConfigurationSnapshotService snapshots = service(10, 50, false);

        String xml = snapshots.exportCurrent();

        Map<String, List<String>> pump = SnapshotEdits.properties(xml, PUMP);
        assertEquals(List.of("Integer", "false", "10"), pump.get("rate"));
        assertEquals(List.of("String", "true", "inlet", "outlet"), pump.get("sensors"));
        assertEquals(List.of("Integer", "true", "80", "443"), pump.get("ports"));
        assertNull(pump.get("secret"));
        assertNull(SnapshotEdits.properties(xml, KARAF_PID), "Karaf's PIDs are never in a snapshot");

        snapshots.importXml(xml);
        assertNull(osgi.properties(PUMP), "a PID on its defaults needs no configuration");
    }

    @Test
    void exportEditImportRoundTripsEveryTypeAndKeepsThePasswordSecret() throws Exception {
        osgi.put(PUMP, everyType());
        ConfigurationSnapshotService snapshots = service(10, 50, false);

        String exported = snapshots.exportCurrent();

        assertFalse(exported.contains("s3cret"), exported);
        assertFalse(exported.contains("fileinstall") || exported.contains("node.target"), exported);
        Map<String, List<String>> shown = SnapshotEdits.properties(exported, PUMP);
        assertEquals(List.of("Integer", "false", "42"), shown.get("rate"));
        assertEquals(List.of("Double", "false", "2.25"), shown.get("gain"));
        assertEquals(List.of("Boolean", "false", "false"), shown.get("enabled"));
        assertEquals(List.of("String", "false", "manual"), shown.get("mode"));
        assertEquals(List.of("String", "true", "in", "out", "mid"), shown.get("sensors"));
        assertEquals(List.of("Integer", "true", "8080"), shown.get("ports"));
        assertEquals(List.of("Password", "false", "placeholder"), shown.get("secret"));
        assertEquals(List.of("Long", "false", "123456789012"), shown.get("limit"));
        assertEquals(List.of("Float", "false", "0.25"), shown.get("ratio"));
        assertEquals(List.of("Char", "false", "q"), shown.get("code"));
        assertEquals(List.of("Short", "false", "12"), shown.get("level"));
        assertEquals(List.of("Byte", "false", "-3"), shown.get("flags"));

        String edited = SnapshotEdits.of(exported)
                .set(PUMP, "rate", "Integer", false, "43")
                .set(PUMP, "gain", "Double", false, "0.1")
                .set(PUMP, "enabled", "Boolean", false, "true")
                .set(PUMP, "mode", "String", false, "auto")
                .set(PUMP, "sensors", "String", true, "a, with comma", " b ")
                .set(PUMP, "ports", "Integer", true, "1", "65535", "502")
                .set(PUMP, "limit", "Long", false, "-9223372036854775808")
                .set(PUMP, "ratio", "Float", false, "3.4028235E38")
                .set(PUMP, "code", "Char", false, "<")
                .set(PUMP, "level", "Short", false, "-32768")
                .set(PUMP, "flags", "Byte", false, "127")
                .toXml();
        long id = snapshots.importXml(edited);

        Map<String, Object> stored = osgi.properties(PUMP);
        assertEquals(43, stored.get("rate"));
        assertEquals(0.1, stored.get("gain"));
        assertEquals(Boolean.TRUE, stored.get("enabled"));
        assertEquals("auto", stored.get("mode"));
        assertArrayEquals(new String[] { "a, with comma", " b " }, (String[]) stored.get("sensors"));
        assertArrayEquals(new Integer[] { 1, 65535, 502 }, (Integer[]) stored.get("ports"));
        assertEquals(Long.MIN_VALUE, stored.get("limit"));
        assertEquals(Float.MAX_VALUE, stored.get("ratio"));
        assertEquals('<', stored.get("code"));
        assertEquals(Short.MIN_VALUE, stored.get("level"));
        assertEquals(Byte.MAX_VALUE, stored.get("flags"));
        assertEquals("s3cret", stored.get("secret"), "the placeholder keeps the current password");
        assertEquals("file:/opt/outpost/etc/org.outpost.test.pump.cfg", stored.get("felix.fileinstall.filename"),
                "File Install still knows its file");
        assertEquals("(role=agent)", stored.get("node.target"), "keys Metatype does not describe are not the snapshot's");
        assertEquals(snapshots.exportCurrent(), snapshots.export(id), "the snapshot after the import shows what was imported");

        Map<String, Map<String, Object>> before = osgi.everything();
        snapshots.importXml(snapshots.export(id));
        assertEquals(before, osgi.everything(), "importing the current state writes no configuration");
    }

    @Test
    void aPasswordGivenInClearIsSetAndNeverExported() throws Exception {
        osgi.put(PUMP, Map.of("secret", "old"));
        ConfigurationSnapshotService snapshots = service(10, 50, false);

        snapshots.importXml(SnapshotEdits.of(snapshots.exportCurrent()).set(PUMP, "secret", "Password", false, "new-secret").toXml());

        assertEquals("new-secret", osgi.properties(PUMP).get("secret"));
        for (long id : snapshots.snapshotIds()) assertFalse(snapshots.export(id).contains("new-secret"));
    }

    @Test
    void devicesRulesAndFactoryConfigurationsRoundTripAsKuraWritesThem() throws Exception {
        Configuration boiler = osgi.putFactory(DEVICE_FACTORY, "boiler-1", device("boiler-1", 1.0));
        osgi.putFactory(DeviceService.RULE_FACTORY_PID, "hot", rule("hot", 90));
        osgi.putFactory(VALVE, "v1", Map.of("port", 502));
        ConfigurationSnapshotService snapshots = service(10, 50, false);

        String exported = snapshots.exportCurrent();

        Map<String, List<String>> shown = SnapshotEdits.properties(exported, "boiler-1");
        assertEquals(List.of("String", "false", DEVICE_FACTORY), shown.get("service.factoryPid"));
        assertEquals(List.of("String", "false", "boiler-1"), shown.get("kura.service.pid"));
        assertEquals(List.of("Double", "false", "1.0"), shown.get("temp#+scale"));
        assertEquals(List.of("String", "false", "7"), shown.get("temp#register"));
        assertEquals(List.of("Double", "false", "90.0"), SnapshotEdits.properties(exported, "hot").get("above"));
        assertEquals(List.of("String", "false", VALVE), SnapshotEdits.properties(exported, VALVE + "~v1").get("service.factoryPid"));

        String edited = SnapshotEdits.of(exported)
                .set("boiler-1", "temp#+scale", "Double", false, "2.5")
                .copy("boiler-1", "boiler-2").set("boiler-2", DeviceConfig.NAME, "String", false, "boiler-2")
                .set("hot", "above", "Double", false, "95.5")
                .copy(VALVE + "~v1", VALVE + "~v2").set(VALVE + "~v2", "port", "Integer", false, "503")
                .toXml();
        snapshots.importXml(edited);

        assertEquals(2.5, osgi.properties(boiler.getPid()).get("temp#+scale"));
        Map<String, Object> second = osgi.properties(DEVICE_FACTORY + "~boiler-2");
        assertNotNull(second, "a new device is a named factory configuration");
        assertEquals("boiler-2", second.get(DeviceConfig.NAME));
        assertEquals("?", osgi.configAdmin().getConfiguration(DEVICE_FACTORY + "~boiler-2", "?").getBundleLocation(),
                "made for any bundle");
        assertEquals(95.5, osgi.properties(DeviceService.RULE_FACTORY_PID + "~hot").get("above"));
        assertEquals(503, osgi.properties(VALVE + "~v2").get("port"));
        List<String> pids = snapshots.components().stream().map(ComponentConfiguration::pid).toList();
        assertTrue(pids.containsAll(List.of("boiler-1", "boiler-2", "hot", VALVE + "~v1", VALVE + "~v2")), pids.toString());
    }

    @Test
    void anInvalidSnapshotIsRefusedWholeNamingEveryProblemAndChangesNothing() throws Exception {
        osgi.put(PUMP, Map.of("rate", 20, "mode", "auto"));
        osgi.putFactory(DEVICE_FACTORY, "boiler-1", device("boiler-1", 1.0));
        osgi.putFactory(VALVE, "v1", Map.of("port", 502));
        ConfigurationSnapshotService snapshots = service(10, 50, false);
        snapshots.takeSnapshot();
        String edited = SnapshotEdits.of(snapshots.exportCurrent())
                // valid changes, which must not be applied either
                .set(PUMP, "enabled", "Boolean", false, "false")
                .set(PUMP, "limit", "Long", false, "5")
                .set(VALVE + "~v1", "port", "Integer", false, "503")
                // one problem each
                .set(PUMP, "rate", "Integer", false, "500")
                .set(PUMP, "gain", "Integer", false, "2")
                .set(PUMP, "mode", "String", false, "turbo")
                .set(PUMP, "sensors", "String", false, "single")
                .set(PUMP, "ports", "Integer", true, "1", "2", "3", "4")
                .set(PUMP, "colour", "String", false, "red")
                .set(PUMP, "level", "Short", false, "big")
                .set("boiler-1", "temp#+value.type", "String", false, "NUMBER")
                .copy(VALVE + "~v1", VALVE + "~v9").remove(VALVE + "~v9", "port")
                .add("org.outpost.nothing")
                .add(KARAF_PID)
                .toXml();
        Map<String, Map<String, Object>> before = osgi.everything();
        List<Long> idsBefore = snapshots.snapshotIds();

        OutpostException refused = assertThrows(OutpostException.class, () -> snapshots.importXml(edited));

        assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
        String message = refused.getMessage();
        assertTrue(message.startsWith("nothing was applied; 11 problems: "), message);
        for (String expected : List.of(
                PUMP + ": rate: '500' refused: greater than maximum",
                PUMP + ": gain: is a Double, not an Integer",
                PUMP + ": mode: 'turbo' refused: not a valid option (one of: auto, manual)",
                PUMP + ": sensors: takes an array (cardinality 5), not a single value",
                PUMP + ": ports: takes at most 3 values, not 4",
                PUMP + ": colour: not an attribute of " + PUMP,
                PUMP + ": level: 'big' is not a Short",
                "boiler-1 (org.outpost.device): temp#+value.type: 'NUMBER' is not one of BOOLEAN, INTEGER",
                VALVE + "~v9 (" + VALVE + "): port: required, and Metatype gives no default",
                "org.outpost.nothing: not a configurable component (Metatype does not describe it",
                KARAF_PID + ": not a configurable component (only org.outpost.* PIDs")) {
            assertTrue(message.contains(expected), "missing «" + expected + "» in " + message);
        }
        assertEquals(before, osgi.everything(), "no configuration was written");
        assertEquals(idsBefore, snapshots.snapshotIds(), "no snapshot was taken");
    }

    @Test
    void rollbackRestoresAnEarlierStateRemovingFactoryConfigurationsMadeSince() throws Exception {
        osgi.put(PUMP, Map.of("rate", 10, "secret", "kept"));
        osgi.putFactory(DEVICE_FACTORY, "boiler-1", device("boiler-1", 1.0));
        ConfigurationSnapshotService snapshots = service(10, 50, false);
        long earlier = snapshots.takeSnapshot();
        Map<String, Object> pumpThen = osgi.properties(PUMP);
        Map<String, Object> boilerThen = osgi.properties(DEVICE_FACTORY + "~boiler-1");

        osgi.put(PUMP, Map.of("rate", 77, "mode", "manual", "secret", "kept"));
        osgi.putFactory(DEVICE_FACTORY, "boiler-1", device("boiler-1", 3.0));
        osgi.putFactory(DEVICE_FACTORY, "added", device("added", 1.0));
        osgi.putFactory(VALVE, "v1", Map.of("port", 1));
        long later = snapshots.takeSnapshot();

        long taken = snapshots.rollback(earlier);

        assertTrue(taken > later, "a rollback takes a new snapshot");
        assertEquals(pumpThen.get("rate"), osgi.properties(PUMP).get("rate"));
        assertEquals("auto", osgi.properties(PUMP).get("mode"), "the snapshot's value (its default, then) replaces the current one");
        assertEquals("kept", osgi.properties(PUMP).get("secret"));
        assertEquals(boilerThen.get("temp#+scale"), osgi.properties(DEVICE_FACTORY + "~boiler-1").get("temp#+scale"));
        assertNull(osgi.properties(DEVICE_FACTORY + "~added"), "a device made after the snapshot is gone");
        assertNull(osgi.properties(VALVE + "~v1"));
        assertEquals(snapshots.export(earlier), snapshots.export(taken), "the state is the earlier one again");

        snapshots.rollback(later);
        assertEquals(77, osgi.properties(PUMP).get("rate"));
        assertEquals(3.0, osgi.properties(DEVICE_FACTORY + "~boiler-1").get("temp#+scale"));
        assertNotNull(osgi.properties(DEVICE_FACTORY + "~added"));
        assertEquals(1, osgi.properties(VALVE + "~v1").get("port"));

        OutpostException unknown = assertThrows(OutpostException.class, () -> snapshots.rollback(12345));
        assertEquals(ErrorCode.NOT_FOUND, unknown.code());
    }

    @Test
    void aChangeTakesOneAutomaticSnapshotAfterTheQuietPeriod() throws Exception {
        ConfigurationSnapshotService snapshots = service(10, 300, true);
        snapshots.start();
        awaitSnapshots(snapshots, 1);
        assertEquals(1, snapshots.snapshotIds().size(), "the first snapshot on start");

        osgi.put(PUMP, Map.of("rate", 11));
        osgi.put(PUMP, Map.of("rate", 12));
        osgi.put(PUMP, Map.of("rate", 13));
        awaitSnapshots(snapshots, 2);

        String newest = snapshots.export(last(snapshots.snapshotIds()));
        assertEquals(List.of("Integer", "false", "13"), SnapshotEdits.properties(newest, PUMP).get("rate"));
        osgi.flushEvents();
        awaitIdle(snapshots);
        assertEquals(2, snapshots.snapshotIds().size(), "three quick changes, one snapshot");

        long roundsBefore = snapshots.trigger().completedRounds();
        osgi.put("org.ops4j.pax.web", Map.of("port", 8181));
        osgi.put(KARAF_PID, Map.of("x", "changed"));
        osgi.flushEvents();
        assertFalse(snapshots.trigger().isPending(), "changes outside org.outpost.* take no snapshot");
        assertEquals(roundsBefore, snapshots.trigger().completedRounds());
        assertEquals(2, snapshots.snapshotIds().size());
    }

    @Test
    void anImportTakesExactlyOneSnapshot() throws Exception {
        ConfigurationSnapshotService snapshots = service(10, 50, true);
        snapshots.start();
        awaitSnapshots(snapshots, 1);
        String edited = SnapshotEdits.of(snapshots.exportCurrent()).set(PUMP, "rate", "Integer", false, "30")
                .add("boiler-1").set("boiler-1", "service.factoryPid", "String", false, DEVICE_FACTORY)
                .set("boiler-1", DeviceConfig.NAME, "String", false, "boiler-1")
                .set("boiler-1", DeviceConfig.DRIVER_PID, "String", false, "simulated")
                .toXml();
        long rounds = snapshots.trigger().completedRounds();

        long id = snapshots.importXml(edited);

        assertEquals(2, snapshots.snapshotIds().size());
        assertEquals(id, last(snapshots.snapshotIds()));
        osgi.flushEvents();
        awaitIdle(snapshots);
        assertTrue(snapshots.trigger().completedRounds() > rounds, "the import's changes started an automatic round");
        assertEquals(2, snapshots.snapshotIds().size(), "the automatic round found nothing new to write");
    }

    @Test
    void keepsTheNewestSnapshotsWithIncreasingIds() throws Exception {
        ConfigurationSnapshotService snapshots = service(3, 50, false);
        List<Long> taken = new ArrayList<>();
        for (int i = 0; i < 6; i++) taken.add(snapshots.takeSnapshot());

        for (int i = 1; i < taken.size(); i++) assertTrue(taken.get(i) > taken.get(i - 1), taken.toString());
        assertEquals(taken.subList(3, 6), snapshots.snapshotIds());
        for (long id : taken.subList(0, 3)) {
            assertEquals(ErrorCode.NOT_FOUND, assertThrows(OutpostException.class, () -> snapshots.export(id)).code());
        }
        assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("snapshots").resolve("snapshot_" + taken.get(5) + ".xml")));

        snapshots.settings(new ConfigurationSnapshotService.Settings(1, 50, false));
        long newest = snapshots.takeSnapshot();
        assertEquals(List.of(newest), snapshots.snapshotIds());
    }

    @Test
    void aConfigAdminFailureHalfWayUndoesWhatWasAlreadyWritten() throws Exception {
        osgi.put(PUMP, Map.of("rate", 20));
        osgi.putFactory(DEVICE_FACTORY, "boiler-1", device("boiler-1", 1.0));
        ConfigurationSnapshotService healthy = service(10, 50, false);
        String edited = SnapshotEdits.of(healthy.exportCurrent())
                .set(PUMP, "rate", "Integer", false, "21")
                .copy("boiler-1", "boiler-2").set("boiler-2", DeviceConfig.NAME, "String", false, "boiler-2")
                .set("boiler-1", "temp#+scale", "Double", false, "9.0")
                .toXml();
        healthy.close();
        Map<String, Map<String, Object>> before = osgi.everything();
        // Config Admin refuses the third write (disk full, say): the first two must be undone
        service = new ConfigurationSnapshotService(FailingConfigAdmin.failingWrite(osgi.configAdmin(), 3), osgi.metatype(),
                osgi.context(), dir.resolve("snapshots"), new ConfigurationSnapshotService.Settings(10, 50, false));

        OutpostException failed = assertThrows(OutpostException.class, () -> service.importXml(edited));

        assertEquals(ErrorCode.INTERNAL, failed.code());
        assertTrue(failed.getMessage().contains("the 2 changes made before it were undone"), failed.getMessage());
        Map<String, Map<String, Object>> after = osgi.everything();
        assertEquals(strip(before), strip(after), "every configuration is as it was");
        assertNull(osgi.properties(DEVICE_FACTORY + "~boiler-2"));
    }

    @Test
    void aFailedRollbackPutsBackTheConfigurationsItHadDeleted() throws Exception {
        osgi.put(PUMP, Map.of("rate", 20));
        ConfigurationSnapshotService healthy = service(10, 50, false);
        long earlier = healthy.takeSnapshot();
        healthy.close();
        osgi.put(PUMP, Map.of("rate", 21));
        osgi.putFactory(DEVICE_FACTORY, "added-1", device("added-1", 1.0));
        osgi.putFactory(DEVICE_FACTORY, "added-2", device("added-2", 1.0));
        Map<String, Map<String, Object>> before = osgi.everything();
        // writes: the pump's update, deleting added-1, deleting added-2 (refused)
        service = new ConfigurationSnapshotService(FailingConfigAdmin.failingWrite(osgi.configAdmin(), 3), osgi.metatype(),
                osgi.context(), dir.resolve("snapshots"), new ConfigurationSnapshotService.Settings(10, 50, false));

        OutpostException failed = assertThrows(OutpostException.class, () -> service.rollback(earlier));

        assertEquals(ErrorCode.INTERNAL, failed.code());
        assertTrue(failed.getMessage().contains("Config Admin refused added-2 (org.outpost.device): no space left on device"),
                failed.getMessage());
        assertEquals(strip(before), strip(osgi.everything()), "the deleted device is back, the pump as it was");
        assertEquals(List.of(earlier), service.snapshotIds());
    }

    @Test
    void aNewComponentMayNotTakeTheConfigurationOfAnother() throws Exception {
        Map<String, Object> renamed = device("renamed", 1.0);
        osgi.putFactory(DEVICE_FACTORY, "boiler-1", renamed);
        ConfigurationSnapshotService snapshots = service(10, 50, false);
        String edited = SnapshotEdits.of(snapshots.exportCurrent())
                .copy("renamed", "boiler-1").set("boiler-1", DeviceConfig.NAME, "String", false, "boiler-1")
                .toXml();

        OutpostException refused = assertThrows(OutpostException.class, () -> snapshots.importXml(edited));

        assertTrue(refused.getMessage().contains("boiler-1 (org.outpost.device): its configuration would be "
                + DEVICE_FACTORY + "~boiler-1, which exists as 'renamed'"), refused.getMessage());
        assertEquals("renamed", osgi.properties(DEVICE_FACTORY + "~boiler-1").get(DeviceConfig.NAME));
    }

    /** Change counts move when a write is undone; the properties must not. */
    private static Map<String, Map<String, Object>> strip(Map<String, Map<String, Object>> all) {
        Map<String, Map<String, Object>> stripped = new HashMap<>();
        all.forEach((pid, properties) -> {
            Map<String, Object> copy = new HashMap<>(properties);
            copy.remove("(change count)");
            stripped.put(pid, copy);
        });
        return stripped;
    }

    @Test
    void theJavaApiMergesAndValidatesLikeTheRestUpdate() throws Exception {
        osgi.put(PUMP, Map.of("rate", 20, "mode", "manual", "secret", "s"));
        ConfigurationSnapshotService snapshots = service(10, 50, false);

        snapshots.update(List.of(new ComponentConfiguration(PUMP, null, Map.of("rate", 25, "secret", KuraProperty.SECRET_PLACEHOLDER))));

        Map<String, Object> stored = osgi.properties(PUMP);
        assertEquals(25, stored.get("rate"));
        assertEquals("manual", stored.get("mode"), "an update merges");
        assertEquals("s", stored.get("secret"));
        assertEquals(1, snapshots.snapshotIds().size(), "an update takes one snapshot");

        OutpostException refused = assertThrows(OutpostException.class, () -> snapshots.update(List.of(
                new ComponentConfiguration(PUMP, null, Map.of("rate", 0)),
                new ComponentConfiguration("boiler-9", DEVICE_FACTORY, Map.of(DeviceConfig.NAME, "boiler-9")))));
        assertTrue(refused.getMessage().contains(PUMP + ": rate: '0' refused: less than minimum"), refused.getMessage());
        assertTrue(refused.getMessage().contains("boiler-9 (org.outpost.device): driver.pid: missing"), refused.getMessage());
        assertEquals(25, osgi.properties(PUMP).get("rate"));
    }

    private static long last(List<Long> ids) {
        return ids.get(ids.size() - 1);
    }

    private static void awaitSnapshots(ConfigurationSnapshotService snapshots, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (snapshots.snapshotIds().size() < count) {
            if (System.nanoTime() > deadline) throw new AssertionError("no snapshot " + count + " within 10 s");
            Thread.sleep(10);
        }
    }

    /** Waits until the automatic snapshot has no round waiting or running (flush the events first). */
    private static void awaitIdle(ConfigurationSnapshotService snapshots) throws InterruptedException {
        if (!snapshots.trigger().awaitIdle(10_000)) throw new AssertionError("the automatic snapshot round did not finish within 10 s");
    }
}
