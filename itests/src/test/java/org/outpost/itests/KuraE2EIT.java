package org.outpost.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.itests.OutpostProcesses.await;
import static org.outpost.itests.OutpostProcesses.awaitValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.itests.DeploymentPackageFiles.TestBundle;
import org.outpost.itests.OutpostProcesses.Node;
import org.outpost.itests.OutpostProcesses.Result;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The Kura face of a real gateway process: deployment packages made in the test, installed,
 * updated (also as a fix-pack) and removed through the shell, the deploy/ folder and Kura's REST
 * paths (called with curl, as Kura users do); broken packages refused with the framework left as it
 * was; Kura's assets REST over a simulated device and a Modbus device on Debian's pymodbus server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KuraE2EIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String MODBUS_VALUES = """
            {"size": 20, "holding_registers": {"0": 235, "1": 1013}, "coils": {"0": true}}
            """;
    private static final TestBundle API_1 = TestBundle.of("org.example.demo.api", "1.0.0").exporting("org.example.demo.api;version=\"1.0.0\"");
    private static final TestBundle IMPL_1 = TestBundle.of("org.example.demo.impl", "1.0.0").importing("org.example.demo.api;version=\"[1,2)\"");

    @TempDir
    static Path work;
    private OutpostProcesses outpost;
    private ModbusServer modbus;
    private Mosquitto mosquitto;
    private Node gateway;
    private Path dir;
    private Path packages;

    @BeforeAll
    void start() throws Exception {
        outpost = new OutpostProcesses(work);
        modbus = ModbusServer.start(outpost.repo, work.resolve("modbus"), MODBUS_VALUES);
        gateway = outpost.server("kgw", OutpostProcesses.freePort());
        dir = outpost.dir("kgw");
        outpost.awaitConsole(gateway);
        await("the REST url file", WAIT, () -> Files.isRegularFile(dir.resolve("rest/url")));
        // install requests read local files only from the gateway's package directory (localPackageDirectory)
        packages = dir.resolve("packages");
        Files.createDirectories(packages);
    }

    @AfterAll
    void stop() throws Exception {
        if (outpost != null) outpost.close();
        if (modbus != null) modbus.close();
        if (mosquitto != null) mosquitto.close();
    }

    @Test
    @Order(1)
    void packagesInstallUpdateAndUninstallThroughTheShell() throws Exception {
        Path v1 = DeploymentPackageFiles.write(packages.resolve("demo-1.0.0.dp"), "org.example.demo", "1.0.0", null,
                List.of(API_1, IMPL_1));
        String installed = ok("edge:dp-install", v1.toString());
        assertTrue(installed.contains("Installed org.example.demo 1.0.0 (2 bundles)"), installed);
        JsonNode demo = dp("org.example.demo");
        assertEquals("1.0.0", demo.path("version").asText());
        assertEquals(List.of("org.example.demo.api 1.0.0 ACTIVE", "org.example.demo.impl 1.0.0 ACTIVE"), bundlesOf(demo));

        // an update replaces the impl bundle, keeps the api bundle, and adds one
        TestBundle impl2 = TestBundle.of("org.example.demo.impl", "2.0.0").importing("org.example.demo.api;version=\"[1,2)\"");
        TestBundle extra = TestBundle.of("org.example.demo.extra", "2.0.0");
        Path v2 = DeploymentPackageFiles.write(packages.resolve("demo-2.0.0.dp"), "org.example.demo", "2.0.0", null,
                List.of(API_1, impl2, extra));
        ok("edge:dp-install", v2.toString());
        assertEquals(List.of("org.example.demo.api 1.0.0 ACTIVE", "org.example.demo.extra 2.0.0 ACTIVE",
                "org.example.demo.impl 2.0.0 ACTIVE"), bundlesOf(dp("org.example.demo")));

        // a fix-pack carries only what changes; the api bundle is marked missing and stays
        TestBundle impl21 = TestBundle.of("org.example.demo.impl", "2.1.0").importing("org.example.demo.api;version=\"[1,2)\"");
        Path fix = DeploymentPackageFiles.write(packages.resolve("demo-2.1.0-fix.dp"), "org.example.demo", "2.1.0",
                "[2.0.0,2.0.0]", List.of(API_1.markedMissing(), impl21));
        ok("edge:dp-install", fix.toString());
        assertEquals(List.of("org.example.demo.api 1.0.0 ACTIVE", "org.example.demo.impl 2.1.0 ACTIVE"),
                bundlesOf(dp("org.example.demo")));
        assertEquals("2.1.0", dp("org.example.demo").path("version").asText());
        // a fix-pack for a version that is not installed is refused
        Path wrongBase = DeploymentPackageFiles.write(packages.resolve("demo-3.0.1-fix.dp"), "org.example.demo", "3.0.1",
                "[3.0.0,3.0.0]", List.of(API_1.markedMissing(), impl21));
        assertTrue(refused("edge:dp-install", wrongBase.toString()).contains("fix-pack"));

        String table = ok("edge:dps");
        assertTrue(table.lines().anyMatch(l -> l.matches("org\\.example\\.demo\\s+2\\.1\\.0\\s+2\\s+Active")), table);
        String removed = ok("edge:dp-uninstall", "org.example.demo");
        assertTrue(removed.contains("Uninstalled org.example.demo 2.1.0"), removed);
        assertFalse(bundleList().contains("org.example.demo"), "the package's bundles are gone");
        assertTrue(refused("edge:dp-uninstall", "org.example.demo").contains("no deployment package named 'org.example.demo'"));
    }

    @Test
    @Order(2)
    void brokenPackagesAreRefusedAndLeaveTheFrameworkAsItWas() throws Exception {
        Path good = DeploymentPackageFiles.write(packages.resolve("good.dp"), "org.example.good", "1.0.0", null, List.of(API_1));
        ok("edge:dp-install", good.toString());
        String before = bundleList();

        Path noHeader = DeploymentPackageFiles.write(packages.resolve("no-header.dp"), null, null, null,
                List.of(TestBundle.of("org.example.orphan", "1.0.0")));
        assertTrue(refused("edge:dp-install", noHeader.toString()).contains("no DeploymentPackage-SymbolicName header"));

        Path corrupt = DeploymentPackageFiles.truncated(good, packages.resolve("corrupt.dp"), (int) (Files.size(good) / 2));
        assertTrue(refused("edge:dp-install", corrupt.toString()).contains("corrupt package"));

        // an update whose new bundle imports what nobody exports: refused whole, the old version stays
        Path unresolvable = DeploymentPackageFiles.write(packages.resolve("unresolvable.dp"), "org.example.good", "1.1.0", null,
                List.of(API_1, TestBundle.of("org.example.needy", "1.0.0").importing("com.nowhere.thing;version=\"[1,2)\"")));
        String message = refused("edge:dp-install", unresolvable.toString());
        assertTrue(message.contains("org.example.needy 1.0.0 imports package com.nowhere.thing [1.0.0,2.0.0), which no bundle exports"),
                message);

        assertEquals(before, bundleList(), "the bundle list is exactly as before");
        assertEquals("1.0.0", dp("org.example.good").path("version").asText());
        ok("edge:dp-uninstall", "org.example.good");
    }

    @Test
    @Order(3)
    void theDeployFolderTakesPackagesAndDeletingOneUninstallsIt() throws Exception {
        Path source = DeploymentPackageFiles.write(packages.resolve("dropped.dp"), "org.example.dropped", "1.0.0", null,
                List.of(TestBundle.of("org.example.dropped.bundle", "1.0.0")));
        Path dropped = dir.resolve("deploy/dropped.dp");
        Files.copy(source, dropped);
        awaitValue("the dropped package installed", WAIT, this::dpsQuiet, out -> out.contains("org.example.dropped"));
        assertEquals(List.of("org.example.dropped.bundle 1.0.0 ACTIVE"), bundlesOf(dp("org.example.dropped")));

        // a broken file there is refused (logged), and nothing is installed
        DeploymentPackageFiles.truncated(source, dir.resolve("deploy/broken.dp"), 200);
        awaitValue("the refusal logged", WAIT, this::karafLog, log -> log.contains("deploy folder: broken.dp was refused: corrupt package"));

        Files.delete(dropped);
        awaitValue("the package uninstalled", WAIT, this::dpsQuiet, out -> !out.contains("org.example.dropped"));
        assertFalse(bundleList().contains("org.example.dropped.bundle"));
        Files.delete(dir.resolve("deploy/broken.dp"));
    }

    @Test
    @Order(4)
    void kurasDeployRestPathsInstallUploadAndDelete() throws Exception {
        assertEquals(401, curl("-X", "GET", "-u", "admin:wrong-password", url("/deploy/v2/")).status());
        Http none = curl(url("/deploy/v2/"));
        assertEquals(200, none.status(), none.body());
        assertEquals("[]", none.body());

        Path uploaded = DeploymentPackageFiles.write(packages.resolve("rest-up.dp"), "org.example.rest.up", "1.0.0", null,
                List.of(TestBundle.of("org.example.rest.up", "1.0.0")));
        Http upload = curl("-X", "POST", "--form", "file=@" + uploaded, url("/deploy/v2/_upload"));
        assertEquals(200, upload.status(), upload.body());
        assertEquals("\"REQUEST_RECEIVED\"", upload.body());

        Path byUrl = DeploymentPackageFiles.write(packages.resolve("rest-url.dp"), "org.example.rest.url", "1.0.0", null,
                List.of(TestBundle.of("org.example.rest.url", "1.0.0")));
        Http install = curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"url\": \"" + byUrl.toUri() + "\"}", url("/deploy/v2/_install"));
        assertEquals(200, install.status(), install.body());

        JsonNode listed = OutpostProcesses.JSON.readTree(curl(url("/deploy/v2/")).body());
        assertEquals(2, listed.size(), listed.toString());
        assertEquals("org.example.rest.up", listed.get(0).path("name").asText());
        assertEquals("1.0.0", listed.get(0).path("version").asText());
        assertEquals("org.example.rest.url", listed.get(1).path("name").asText());

        String before = bundleList();
        Path corrupt = DeploymentPackageFiles.truncated(uploaded, packages.resolve("rest-corrupt.dp"), 300);
        Http refused = curl("-X", "POST", "--form", "file=@" + corrupt, url("/deploy/v2/_upload"));
        assertEquals(400, refused.status(), refused.body());
        JsonNode error = OutpostProcesses.JSON.readTree(refused.body());
        assertEquals("invalid_argument", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("corrupt package"), refused.body());
        Http missing = curl("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"url\": \"" + packages.resolve("no-such-file.dp") + "\"}",
                url("/deploy/v2/_install"));
        assertEquals(404, missing.status(), missing.body());
        assertEquals(before, bundleList());

        assertEquals(200, curl("-X", "DELETE", url("/deploy/v2/org.example.rest.up")).status());
        assertEquals(200, curl("-X", "DELETE", url("/deploy/v2/org.example.rest.url")).status());
        assertEquals(404, curl("-X", "DELETE", url("/deploy/v2/org.example.rest.url")).status());
        assertEquals("[]", curl(url("/deploy/v2/")).body());
    }

    @Test
    @Order(5)
    void kurasAssetsRestReadsAndWritesASimulatedAndAModbusDevice() throws Exception {
        ok("edge:device-add", "sim-1", "--driver", "simulated",
                "--channel", "level:constant:value=42.5,unit=cm", "--poll", "1s");
        ok("feature:install", "outpost-device-modbus");
        ok("edge:device-add", "boiler-1", "--driver", "modbus-tcp",
                "--set", "host=127.0.0.1,port=" + modbus.port + ",unit.id=1",
                "--channel", "temp:HOLDING_REGISTER:0:INT16:scale=0.1,unit=C,type=READ_WRITE",
                "--channel", "pressure:HOLDING_REGISTER:1:UINT16:unit=hPa", "--poll", "1s");

        JsonNode assets = OutpostProcesses.JSON.readTree(curl(url("/assets")).body());
        List<String> names = new ArrayList<>();
        assets.forEach(a -> names.add(a.asText()));
        assertTrue(names.containsAll(List.of("sim-1", "boiler-1")), assets.toString());

        JsonNode channels = OutpostProcesses.JSON.readTree(curl(url("/assets/boiler-1")).body());
        JsonNode temp = find(channels, "temp");
        assertEquals("READ_WRITE", temp.path("type").asText());
        assertEquals("DOUBLE", temp.path("valueType").asText());
        assertEquals(0.1, temp.path("scale").asDouble(), 1e-9);
        assertEquals("C", temp.path("unit").asText());

        JsonNode simulated = OutpostProcesses.JSON.readTree(curl("-X", "POST", url("/assets/sim-1/_read")).body());
        JsonNode level = find(simulated, "level");
        assertEquals(42.5, level.path("value").asDouble(), 1e-9);
        assertEquals("SUCCESS", level.path("channelStatus").path("channelFlag").asText());
        assertTrue(level.path("timestamp").asLong() > 0);

        JsonNode read = OutpostProcesses.JSON.readTree(curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"channels\": [\"temp\"]}", url("/assets/boiler-1/_read")).body());
        assertEquals(1, read.size(), read.toString());
        assertEquals(23.5, find(read, "temp").path("value").asDouble(), 1e-9);

        Http written = curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"channels\": [{\"name\": \"temp\", \"type\": \"DOUBLE\", \"value\": 30.5}]}", url("/assets/boiler-1/_write"));
        assertEquals(200, written.status(), written.body());
        assertEquals("SUCCESS", find(OutpostProcesses.JSON.readTree(written.body()), "temp").path("channelStatus")
                .path("channelFlag").asText());
        // read back from the device itself: the register holds 305
        JsonNode after = OutpostProcesses.JSON.readTree(curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"channels\": [\"temp\"]}", url("/assets/boiler-1/_read")).body());
        assertEquals(30.5, find(after, "temp").path("value").asDouble(), 1e-9);

        Http readOnly = curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"channels\": [{\"name\": \"pressure\", \"type\": \"INTEGER\", \"value\": 1}]}", url("/assets/boiler-1/_write"));
        assertEquals(400, readOnly.status(), readOnly.body());
        assertTrue(readOnly.body().contains("read-only"), readOnly.body());
        // every channel is checked before any is written: the writable one keeps its value
        Http partly = curl("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"channels\": ["
                + "{\"name\": \"temp\", \"type\": \"DOUBLE\", \"value\": 40.5},"
                + "{\"name\": \"pressure\", \"type\": \"INTEGER\", \"value\": 1}]}", url("/assets/boiler-1/_write"));
        assertEquals(400, partly.status(), partly.body());
        assertTrue(partly.body().contains("nothing was written"), partly.body());
        JsonNode unchanged = OutpostProcesses.JSON.readTree(curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"channels\": [\"temp\"]}", url("/assets/boiler-1/_read")).body());
        assertEquals(30.5, find(unchanged, "temp").path("value").asDouble(), 1e-9);
        Http wrongType = curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"channels\": [{\"name\": \"temp\", \"type\": \"BOOLEAN\", \"value\": true}]}", url("/assets/boiler-1/_write"));
        assertEquals(400, wrongType.status(), wrongType.body());
        assertTrue(wrongType.body().contains("channel temp is DOUBLE, not BOOLEAN"), wrongType.body());
        Http badShape = curl("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"nothing\": 1}",
                url("/assets/boiler-1/_write"));
        assertEquals(400, badShape.status());
        assertTrue(badShape.body().contains("expected {\\\"channels\\\""), badShape.body());
        assertEquals(404, curl(url("/assets/no-such-asset")).status());
    }

    @Test
    @Order(6)
    void aKuraConsoleManagesPackagesAndConfigurationOverMqtt() throws Exception {
        mosquitto = Mosquitto.start(work.resolve("mosquitto"));
        mosquitto.subscribe();
        KuraDecoder decoder = new KuraDecoder(outpost.repo);
        KuraConsole console = new KuraConsole(mosquitto, work.resolve("console"), "acme", "kgw");
        ok("edge:cloud-connect", mosquitto.url(), "--account", "acme", "--client-id", "kgw");
        Mosquitto.Message birth = console.await("$EDC/acme/kgw/MQTT/BIRTH", WAIT);
        String applications = decoder.decode(birth.payload()).metric("application_ids");
        assertTrue(applications.contains("DEPLOY-V2") && applications.contains("CONF-V2"), applications);

        // the gateway subscribes right after its BIRTH: ask until the first answer comes
        awaitValue("a first DEPLOY-V2 reply", WAIT, () -> {
            try {
                String id = "probe-" + System.nanoTime();
                console.request("DEPLOY-V2/GET/packages", id, java.util.Map.of(), null);
                Thread.sleep(1_000);
                return console.last("$EDC/acme/" + KuraConsole.CLIENT_ID + "/DEPLOY-V2/REPLY/" + id).isPresent();
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, answered -> answered);

        Path cloudPackage = DeploymentPackageFiles.write(packages.resolve("cloud.dp"), "org.example.cloud", "1.0.0", null,
                List.of(TestBundle.of("org.example.cloud.bundle", "1.0.0")));
        console.request("DEPLOY-V2/EXEC/install", "r-install", java.util.Map.of("dp.uri", cloudPackage.toUri().toString(), "job.id", 7L), null);
        KuraDecoder.Payload installed = decoder.decode(console.reply("DEPLOY-V2", "r-install", WAIT));
        assertEquals("200", installed.metric("response.code"), installed.metrics().toString());
        assertEquals("org.example.cloud", installed.metric("dp.name"));
        KuraDecoder.Payload notified = decoder.decode(console.await("$EDC/acme/" + KuraConsole.CLIENT_ID
                + "/DEPLOY-V2/NOTIFY/kgw/install", WAIT).payload());
        assertEquals("COMPLETED", notified.metric("dp.install.status"));
        assertEquals("7", notified.metric("job.id"));
        assertEquals(List.of("org.example.cloud.bundle 1.0.0 ACTIVE"), bundlesOf(dp("org.example.cloud")));

        console.request("DEPLOY-V2/GET/packages", "r-list", java.util.Map.of(), null);
        byte[] listing = console.reply("DEPLOY-V2", "r-list", WAIT);
        assertEquals("200", decoder.decode(listing).metric("response.code"));
        String xml = KuraConsole.body(listing);
        assertTrue(xml.contains("<package>") && xml.contains("<name>org.example.cloud</name>")
                && xml.contains("<name>org.example.cloud.bundle</name>"), xml);

        Path corrupt = DeploymentPackageFiles.truncated(cloudPackage, packages.resolve("cloud-corrupt.dp"), 100);
        console.request("DEPLOY-V2/EXEC/install", "r-bad", java.util.Map.of("dp.uri", corrupt.toUri().toString()), null);
        KuraDecoder.Payload bad = decoder.decode(console.reply("DEPLOY-V2", "r-bad", WAIT));
        assertEquals("400", bad.metric("response.code"));
        assertTrue(bad.metric("response.exception.message").contains("corrupt package"), bad.metrics().toString());

        console.request("DEPLOY-V2/DEL/packages/org.example.cloud", "r-del", java.util.Map.of(), null);
        assertEquals("200", decoder.decode(console.reply("DEPLOY-V2", "r-del", WAIT)).metric("response.code"));
        assertFalse(dpsQuiet().contains("org.example.cloud"));
        console.request("DEPLOY-V2/GET/nothing-here", "r-404", java.util.Map.of(), null);
        assertEquals("404", decoder.decode(console.reply("DEPLOY-V2", "r-404", WAIT)).metric("response.code"));

        // CONF-V2: the configuration as Kura's XML; an edited copy applied; a broken one refused whole
        console.request("CONF-V2/GET/configurations", "c-get", java.util.Map.of(), null);
        byte[] configurations = console.reply("CONF-V2", "c-get", WAIT);
        assertEquals("200", decoder.decode(configurations).metric("response.code"));
        String current = KuraConsole.body(configurations);
        assertTrue(current.contains("esf:configurations") && current.contains("pid=\"sim-1\""), current);
        assertTrue(current.contains(">42.5<"), current);
        console.request("CONF-V2/PUT/configurations", "c-put", java.util.Map.of(), current.replace(">42.5<", ">50.5<"));
        KuraDecoder.Payload put = decoder.decode(console.reply("CONF-V2", "c-put", WAIT));
        assertEquals("200", put.metric("response.code"), put.metrics().toString());
        awaitValue("level 50.5", WAIT, () -> levelNow(), level -> level == 50.5);
        console.request("CONF-V2/PUT/configurations", "c-bad", java.util.Map.of(), current.replace(">42.5<", ">warm<"));
        KuraDecoder.Payload refused = decoder.decode(console.reply("CONF-V2", "c-bad", WAIT));
        assertEquals("400", refused.metric("response.code"), refused.metrics().toString());
        assertEquals(50.5, levelNow());

        // MQTT/APPS follows the applications: stopping the Kura bundle takes DEPLOY-V2 and CONF-V2 away
        ok("bundle:stop", "org.outpost.kura");
        awaitValue("MQTT/APPS without DEPLOY-V2", WAIT, () -> appsNow(console, decoder), apps -> !apps.contains("DEPLOY-V2"));
        ok("bundle:start", "org.outpost.kura");
        awaitValue("MQTT/APPS with DEPLOY-V2", WAIT, () -> appsNow(console, decoder), apps -> apps.contains("DEPLOY-V2"));
        ok("edge:cloud-disconnect");
    }

    @Test
    @Order(7)
    void aBundleDeploymentNamingADeploymentPackageInstallsItOnEveryMatchingAgent() throws Exception {
        int serverPort = Integer.parseInt(Files.readString(dir.resolve("etc/org.outpost.server.cfg"), StandardCharsets.UTF_8)
                .lines().filter(l -> l.startsWith("httpsPort")).findFirst().orElseThrow().replaceAll("\\D", ""));
        Node agent = outpost.agent("kgw-2", serverPort, "--token-file", dir.resolve("server/node-token").toString(),
                "--labels", "heating=yes");
        outpost.awaitConsole(agent);
        awaitValue("kgw-2 Ready", WAIT, outpost.statusOf(gateway, "kgw-2"), "Ready"::equals);
        ok("edge:label", "kgw", "heating=yes");

        Path heater = DeploymentPackageFiles.write(packages.resolve("heater_1.0.0.dp"), "org.example.heater", "1.0.0", null,
                List.of(TestBundle.of("org.example.heater", "1.0.0")));
        Path manifest = work.resolve("heater.yaml");
        Files.writeString(manifest, String.join("\n",
                "apiVersion: edge.outpost.org/v1",
                "kind: BundleDeployment",
                "metadata: {name: heater}",
                "spec:",
                "  nodeSelector: {heating: 'yes'}",
                "  deploymentPackage: '" + heater.toUri() + "'",
                ""));
        assertEquals("bundledeployment/heater created (every matching node)", ok("edge:deploy", "-f", manifest.toString()).trim());
        awaitValue("heater Running on kgw and kgw-2", WAIT, () -> {
            try {
                JsonNode w = outpost.shellJson(gateway, "edge:workload", "heater", "-o", "json");
                return w.path("ready").asInt();
            } catch (IOException | InterruptedException | AssertionError e) {
                return -1;
            }
        }, ready -> ready == 2);
        for (Node node : List.of(gateway, agent)) {
            String dps = outpost.shell(node, "edge:dps").output();
            assertTrue(dps.lines().anyMatch(l -> l.matches("org\\.example\\.heater\\s+1\\.0\\.0\\s+1\\s+Active")), node.name() + ": " + dps);
        }
        assertTrue(ok("edge:workload", "heater").contains("deploymentPackage: " + heater.toUri()));

        ok("edge:delete", "heater");
        for (Node node : List.of(gateway, agent)) {
            awaitValue("heater uninstalled from " + node.name(), WAIT, () -> {
                try {
                    return outpost.shell(node, "edge:dps").output();
                } catch (IOException | InterruptedException e) {
                    return "unknown";
                }
            }, out -> !out.contains("org.example.heater") && !out.equals("unknown"));
        }
    }

    @Test
    @Order(8)
    void snapshotsExportEditImportRollBackAndRefuseAnInvalidOneWhole() throws Exception {
        String before = String.valueOf(levelNow());
        String listed = ok("edge:snapshots");
        assertTrue(listed.startsWith("ID"), listed);
        // every configuration change is followed by a snapshot
        long latest = latestSnapshot();
        ok("edge:device-add", "sim-2", "--driver", "simulated", "--channel", "x:constant:value=1", "--poll", "5s");
        awaitValue("a snapshot after adding sim-2", WAIT, () -> {
            try {
                return latestSnapshot();
            } catch (IOException | InterruptedException e) {
                return latest;
            }
        }, id -> id > latest);
        ok("edge:device-remove", "sim-2");
        Path exported = work.resolve("snapshot.xml");
        assertTrue(ok("edge:snapshot-export", exported.toString()).contains("Wrote the current configuration"));
        String xml = Files.readString(exported, StandardCharsets.UTF_8);
        assertTrue(xml.contains("xmlns:esf=\"http://eurotech.com/esf/2.0\"") && xml.contains("<esf:configuration pid=\"sim-1\">"), xml);
        assertTrue(xml.contains("pid=\"org.outpost.kura.rest\""), "Metatype-described components are in it");
        long beforeImport = latestSnapshot();

        Path edited = work.resolve("snapshot-edited.xml");
        Files.writeString(edited, withValue(xml, "sim-1", "level#value", "61.5"), StandardCharsets.UTF_8);
        String applied = ok("edge:snapshot-import", edited.toString());
        assertTrue(applied.contains("snapshot"), applied);
        awaitValue("level 61.5", WAIT, this::levelNow, level -> level == 61.5);
        assertTrue(latestSnapshot() > beforeImport, "the import took a snapshot");

        // two problems in two components: both named, nothing applied
        String broken = withValue(withValue(xml, "sim-1", "level#value", "warm"), "org.outpost.kura.rest", "port", "70000");
        Path invalid = work.resolve("snapshot-invalid.xml");
        Files.writeString(invalid, broken, StandardCharsets.UTF_8);
        String refusal = refused("edge:snapshot-import", invalid.toString());
        assertTrue(refusal.contains("level#value") && refusal.contains("port"), refusal);
        assertEquals(61.5, levelNow());

        assertTrue(ok("edge:snapshot-rollback", Long.toString(beforeImport)).contains("Rolled back to snapshot " + beforeImport));
        awaitValue("level back to " + before, WAIT, () -> String.valueOf(levelNow()), before::equals);

        // the same through Kura's REST paths
        JsonNode ids = OutpostProcesses.JSON.readTree(curl(url("/configuration/v2/snapshots")).body());
        List<Long> known = new ArrayList<>();
        ids.path("ids").forEach(id -> known.add(id.asLong()));
        assertTrue(known.contains(beforeImport), ids.toString());
        JsonNode components = OutpostProcesses.JSON.readTree(curl(url("/configuration/v2/configurableComponents")).body());
        assertTrue(components.path("pids").toString().contains("sim-1"), components.toString());
        // Kura's _update: the property sent back with the type the listing gave it
        JsonNode configs = OutpostProcesses.JSON.readTree(curl(url("/configuration/v2/configurableComponents/configurations")).body());
        JsonNode sim = null;
        for (JsonNode config : configs.path("configs")) {
            if (config.path("pid").asText().equals("sim-1")) sim = config;
        }
        assertTrue(sim != null, configs.toString());
        String type = sim.path("properties").path("level#value").path("type").asText();
        Http updated = curl("-X", "POST", "-H", "Content-Type: application/json", "-d",
                "{\"configs\": [{\"pid\": \"sim-1\", \"properties\": {\"level#value\": {\"type\": \"" + type
                        + "\", \"value\": " + ("STRING".equals(type) ? "\"44.5\"" : "44.5") + "}}}], \"takeSnapshot\": true}",
                url("/configuration/v2/configurableComponents/configurations/_update"));
        assertEquals(200, updated.status(), updated.body());
        awaitValue("level 44.5", WAIT, this::levelNow, level -> level == 44.5);

        Http rollback = curl("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"id\": " + beforeImport + "}",
                url("/configuration/v2/snapshots/_rollback"));
        assertEquals(200, rollback.status(), rollback.body());
        awaitValue("level back to " + before + " again", WAIT, () -> String.valueOf(levelNow()), before::equals);
        Http unknown = curl("-X", "POST", "-H", "Content-Type: application/json", "-d", "{\"id\": 12345}",
                url("/configuration/v2/snapshots/_rollback"));
        assertEquals(404, unknown.status(), unknown.body());
        assertEquals("not_found", OutpostProcesses.JSON.readTree(unknown.body()).path("code").asText());
    }

    /** The snapshot XML with one property of one component set to {@code value}. */
    private static String withValue(String xml, String pid, String property, String value) {
        int start = xml.indexOf("<esf:configuration pid=\"" + pid + "\"");
        int end = xml.indexOf("</esf:configuration>", start);
        assertTrue(start >= 0 && end > start, pid + " in the snapshot");
        String block = xml.substring(start, end);
        java.util.regex.Matcher match = java.util.regex.Pattern.compile(
                "(name=\"" + java.util.regex.Pattern.quote(property) + "\"[^>]*>\\s*<esf:value>)[^<]*(</esf:value>)").matcher(block);
        assertTrue(match.find(), property + " of " + pid + " in the snapshot: " + block);
        String changed = block.substring(0, match.start()) + match.group(1) + value + match.group(2)
                + block.substring(match.end());
        return xml.substring(0, start) + changed + xml.substring(end);
    }

    private long latestSnapshot() throws IOException, InterruptedException {
        JsonNode ids = outpost.shellJson(gateway, "edge:snapshots", "-o", "json").path("ids");
        return ids.get(ids.size() - 1).asLong();
    }

    private double levelNow() {
        try {
            JsonNode read = OutpostProcesses.JSON.readTree(curl("-X", "POST", url("/assets/sim-1/_read")).body());
            return find(read, "level").path("value").asDouble();
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static String appsNow(KuraConsole console, KuraDecoder decoder) {
        return console.last("$EDC/acme/kgw/MQTT/APPS").map(message -> {
            try {
                return decoder.decode(message.payload()).metric("application_ids");
            } catch (IOException | InterruptedException e) {
                return "";
            }
        }).orElse("none yet");
    }

    private static JsonNode find(JsonNode array, String name) {
        for (JsonNode item : array) {
            if (item.path("name").asText().equals(name)) return item;
        }
        throw new AssertionError(name + " not in " + array);
    }

    private JsonNode dp(String name) throws IOException, InterruptedException {
        JsonNode all = outpost.shellJson(gateway, "edge:dps", "-o", "json");
        for (JsonNode item : all.path("items")) {
            if (item.path("name").asText().equals(name)) return item;
        }
        throw new AssertionError(name + " not installed: " + all);
    }

    private static List<String> bundlesOf(JsonNode dp) {
        List<String> bundles = new ArrayList<>();
        dp.path("bundles").forEach(b -> bundles.add(b.path("symbolicName").asText() + " " + b.path("version").asText() + " "
                + b.path("state").asText()));
        bundles.sort(null);
        return bundles;
    }

    /** Every bundle's id, symbolic name, version and state. */
    private String bundleList() throws IOException, InterruptedException {
        return ok("bundle:list", "-t", "0", "-s", "--no-format");
    }

    private String dpsQuiet() {
        try {
            return outpost.shell(gateway, "edge:dps").output();
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private String karafLog() {
        try {
            return Files.readString(dir.resolve("data/log/karaf.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private String ok(String... command) throws IOException, InterruptedException {
        Result result = outpost.shell(gateway, command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ": " + result.output());
        return result.output();
    }

    private String refused(String... command) throws IOException, InterruptedException {
        Result result = outpost.shell(gateway, command);
        assertNotEquals(0, result.exitCode(), String.join(" ", command) + " should fail: " + result.output());
        return result.output();
    }

    private String url(String path) throws IOException {
        return Files.readString(dir.resolve("rest/url"), StandardCharsets.UTF_8).trim() + "/services" + path;
    }

    record Http(int status, String body) {
    }

    /** curl against the gateway's REST port, trusting only its CA, with the admin credential unless given. */
    private Http curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert", dir.resolve("rest/ca.crt").toString(),
                "-w", "\n%{http_code}"));
        if (!List.of(args).contains("-u")) {
            String token = Files.readString(dir.resolve("rest/admin-token"), StandardCharsets.UTF_8).trim();
            command.addAll(List.of("-u", "admin:" + token));
        }
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "curl finished");
        int newline = output.lastIndexOf('\n');
        return new Http(Integer.parseInt(output.substring(newline + 1).trim()), output.substring(0, newline));
    }
}
