package org.outpost.kura.internal.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.kura.internal.config.ConfigFramework.PUMP;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.device.DeviceConfig;
import org.outpost.kura.internal.rest.RestRequest;
import org.outpost.kura.internal.rest.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Kura's {@code /services/configuration/v2} routes and JSON shapes, over a real Config Admin and Metatype. */
class ConfigurationRestResourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ConfigFramework osgi;
    private ConfigurationSnapshotService service;
    private ConfigurationRestResource rest;

    @BeforeEach
    void start() throws Exception {
        osgi = new ConfigFramework(dir);
        osgi.put(PUMP, Map.of("rate", 20, "secret", "s3cret", "sensors", new String[] { "a", "b" }));
        osgi.putFactory(DeviceConfig.FACTORY_PID, "boiler-1", ConfigurationSnapshotServiceTest.device("boiler-1", 1.0));
        service = new ConfigurationSnapshotService(osgi.configAdmin(), osgi.metatype(), osgi.context(), dir.resolve("snapshots"),
                new ConfigurationSnapshotService.Settings(10, 50, false));
        rest = new ConfigurationRestResource(service);
    }

    @AfterEach
    void stop() throws Exception {
        if (service != null) service.close();
        if (osgi != null) osgi.close();
    }

    private RestResponse call(String method, String path, String body) throws Exception {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return rest.handle(new RestRequest(method, path, Map.of(), "application/json", bytes, Map.of()));
    }

    private JsonNode json(String method, String path, String body) throws Exception {
        RestResponse response = call(method, path, body);
        assertEquals(200, response.status());
        assertEquals("application/json", response.contentType());
        return JSON.readTree(response.body());
    }

    private static JsonNode config(JsonNode configs, String pid) {
        for (JsonNode config : configs.get("configs")) {
            if (config.get("pid").asText().equals(pid)) return config;
        }
        return null;
    }

    @Test
    void listsPidsAndFactoryPidsAsKuraDoes() throws Exception {
        assertEquals("/services/configuration/v2", rest.basePath());
        assertEquals(JSON.readTree("{\"pids\":[\"boiler-1\",\"" + PUMP + "\"]}"), json("GET", "/configurableComponents", null));
        assertEquals(JSON.readTree("{\"pids\":[{\"pid\":\"boiler-1\",\"factoryPid\":\"org.outpost.device\"},{\"pid\":\"" + PUMP + "\"}]}"),
                json("GET", "/configurableComponents/pidsWithFactory", null));
        JsonNode factories = json("GET", "/factoryComponents", null).get("pids");
        List<String> factoryPids = new ArrayList<>();
        factories.forEach(pid -> factoryPids.add(pid.asText()));
        assertEquals(List.of("org.outpost.device", "org.outpost.rule", "org.outpost.test.valve"), factoryPids);
    }

    @Test
    void configurationsCarryKurasDefinitionAndPropertyShapes() throws Exception {
        JsonNode configs = json("GET", "/configurableComponents/configurations", null);

        JsonNode pump = config(configs, PUMP);
        JsonNode definition = pump.get("definition");
        assertEquals(PUMP, definition.get("id").asText());
        assertEquals("Test pump", definition.get("name").asText());
        JsonNode rate = definition.get("ad").get(0);
        assertEquals(JSON.readTree("{\"name\":\"Rate\",\"id\":\"rate\",\"type\":\"INTEGER\",\"cardinality\":0,\"defaultValue\":\"10\","
                + "\"isRequired\":true}"), rate);
        JsonNode mode = definition.get("ad").get(3);
        assertEquals(JSON.readTree("[{\"label\":\"Automatic\",\"value\":\"auto\"},{\"label\":\"Manual\",\"value\":\"manual\"}]"),
                mode.get("option"));
        JsonNode secretAd = definition.get("ad").get(6);
        assertEquals("PASSWORD", secretAd.get("type").asText());
        assertFalse(secretAd.get("isRequired").asBoolean());

        JsonNode properties = pump.get("properties");
        assertEquals(JSON.readTree("{\"value\":20,\"type\":\"INTEGER\"}"), properties.get("rate"));
        assertEquals(JSON.readTree("{\"value\":1.5,\"type\":\"DOUBLE\"}"), properties.get("gain"));
        assertEquals(JSON.readTree("{\"value\":[\"a\",\"b\"],\"type\":\"STRING\"}"), properties.get("sensors"));
        assertEquals(JSON.readTree("{\"value\":\"x\",\"type\":\"CHAR\"}"), properties.get("code"));
        assertEquals(JSON.readTree("{\"value\":\"placeholder\",\"type\":\"PASSWORD\"}"), properties.get("secret"));
        assertFalse(configs.toString().contains("s3cret"));

        JsonNode boiler = config(configs, "boiler-1");
        assertNull(boiler.get("definition"), "devices have no Metatype definition");
        assertEquals(JSON.readTree("{\"value\":\"org.outpost.device\",\"type\":\"STRING\"}"), boiler.get("properties").get("service.factoryPid"));
        assertEquals(JSON.readTree("{\"value\":\"boiler-1\",\"type\":\"STRING\"}"), boiler.get("properties").get("kura.service.pid"));
        assertEquals(JSON.readTree("{\"value\":1.0,\"type\":\"DOUBLE\"}"), boiler.get("properties").get("temp#+scale"));

        JsonNode byPid = json("POST", "/configurableComponents/configurations/byPid", "{\"pids\":[\"boiler-1\"]}");
        assertEquals(1, byPid.get("configs").size());
        assertEquals(boiler, byPid.get("configs").get(0));

        JsonNode defaults = json("POST", "/configurableComponents/configurations/byPid/_default", "{\"pids\":[\"" + PUMP + "\",\"boiler-1\"]}");
        assertEquals(1, defaults.get("configs").size(), "only Metatype components have defaults");
        assertEquals(10, config(defaults, PUMP).get("properties").get("rate").get("value").asInt());
    }

    @Test
    void aListingPutBackUnchangedChangesNothing() throws Exception {
        JsonNode configs = json("GET", "/configurableComponents/configurations", null);
        Map<String, Map<String, Object>> before = osgi.everything();

        RestResponse response = call("PUT", "/configurableComponents/configurations/_update", configs.toString());

        assertEquals(200, response.status());
        assertEquals(before, osgi.everything(), "no configuration was written, passwords included");
        assertEquals(1, service.snapshotIds().size());
    }

    @Test
    void updateAppliesKurasRequestAllOrNothingAndTakesASnapshot() throws Exception {
        String body = """
                {"configs": [
                  {"pid": "%s", "properties": {
                     "rate": {"type": "INTEGER", "value": 55},
                     "ports": {"type": "INTEGER", "value": [1, 2]},
                     "code": {"type": "CHAR", "value": "z"},
                     "secret": {"type": "PASSWORD", "value": "placeholder"},
                     "sensors": {"type": "STRING"}}},
                  {"pid": "boiler-1", "properties": {"temp#+scale": {"type": "DOUBLE", "value": 4}}},
                  {"pid": "boiler-2", "properties": {
                     "service.factoryPid": {"type": "STRING", "value": "org.outpost.device"},
                     "device.name": {"type": "STRING", "value": "boiler-2"},
                     "driver.pid": {"type": "STRING", "value": "simulated"}}}
                ], "takeSnapshot": true}
                """.formatted(PUMP);

        RestResponse response = call("PUT", "/configurableComponents/configurations/_update", body);

        assertEquals(200, response.status());
        assertEquals(0, response.body().length);
        Map<String, Object> pump = osgi.properties(PUMP);
        assertEquals(55, pump.get("rate"));
        assertArrayEquals(new Integer[] { 1, 2 }, (Integer[]) pump.get("ports"));
        assertEquals('z', pump.get("code"));
        assertEquals("s3cret", pump.get("secret"));
        assertFalse(pump.containsKey("sensors"), "a property without value is removed");
        assertEquals(4.0, osgi.properties(DeviceConfig.FACTORY_PID + "~boiler-1").get("temp#+scale"));
        assertEquals("boiler-2", osgi.properties(DeviceConfig.FACTORY_PID + "~boiler-2").get(DeviceConfig.NAME));
        assertEquals(1, service.snapshotIds().size());

        call("POST", "/configurableComponents/configurations/_update",
                "{\"configs\":[{\"pid\":\"" + PUMP + "\",\"properties\":{\"rate\":{\"type\":\"INTEGER\",\"value\":56}}}],\"takeSnapshot\":false}");
        assertEquals(56, osgi.properties(PUMP).get("rate"));
        assertEquals(1, service.snapshotIds().size(), "takeSnapshot false takes none");
    }

    @Test
    void aRefusedUpdateNamesEveryProblemAndChangesNothing() throws Exception {
        Map<String, Map<String, Object>> before = osgi.everything();
        String body = """
                {"configs": [
                  {"pid": "%s", "properties": {
                     "enabled": {"type": "BOOLEAN", "value": false},
                     "rate": {"type": "INTEGER", "value": 500},
                     "limit": {"type": "INTEGER", "value": "foo"},
                     "level": {"type": "SHORT", "value": 70000},
                     "mode": {"type": "STRING", "value": "turbo"},
                     "gain": {"type": "NUMBER", "value": 1}}},
                  {"pid": "boiler-1", "properties": {"temp#+type": {"type": "STRING", "value": "SIDEWAYS"},
                     "kura.service.pid": {"type": "STRING", "value": []}}},
                  {"properties": {}}
                ]}
                """.formatted(PUMP);

        OutpostException refused = assertThrows(OutpostException.class,
                () -> call("PUT", "/configurableComponents/configurations/_update", body));

        assertEquals(ErrorCode.INVALID_ARGUMENT, refused.code());
        String message = refused.getMessage();
        for (String expected : List.of(PUMP + ": rate: '500' refused: greater than maximum", PUMP + ": limit: \"foo\" is not a INTEGER value",
                PUMP + ": level: 70000 is not a SHORT value", PUMP + ": mode: 'turbo' refused", PUMP + ": gain: \"type\" must be one of",
                "boiler-1 (org.outpost.device): temp#+type: 'SIDEWAYS' is not one of READ, WRITE, READ_WRITE",
                "boiler-1: kura.service.pid: must be a STRING, the pid", "configs[2]: \"pid\" is missing")) {
            assertTrue(message.contains(expected), "missing «" + expected + "» in " + message);
        }
        assertEquals(before, osgi.everything());
        assertEquals(List.of(), service.snapshotIds());

        OutpostException notJson = assertThrows(OutpostException.class,
                () -> call("PUT", "/configurableComponents/configurations/_update", "{configs"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, notJson.code());
    }

    @Test
    void snapshotsCanBeListedWrittenReadDownloadedImportedAndRolledBack() throws Exception {
        assertEquals(JSON.readTree("{\"ids\":[]}"), json("GET", "/snapshots", null));

        long first = json("POST", "/snapshots/_write", null).get("id").asLong();
        osgi.put(PUMP, Map.of("rate", 33));
        long second = json("POST", "/snapshots/_write", null).get("id").asLong();
        assertEquals(JSON.readTree("{\"ids\":[" + first + "," + second + "]}"), json("GET", "/snapshots", null));

        JsonNode firstConfigs = json("POST", "/snapshots/byId", "{\"id\":" + first + "}");
        assertEquals(20, config(firstConfigs, PUMP).get("properties").get("rate").get("value").asInt());
        assertEquals("placeholder", config(firstConfigs, PUMP).get("properties").get("secret").get("value").asText());

        RestResponse download = call("GET", "/snapshots/" + second, null);
        assertEquals(200, download.status());
        assertTrue(download.contentType().startsWith("application/xml"));
        String secondXml = new String(download.body(), StandardCharsets.UTF_8);
        assertEquals(List.of("Integer", "false", "33"), SnapshotEdits.properties(secondXml, PUMP).get("rate"));
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(OutpostException.class, () -> call("GET", "/snapshots/42", null)).code());

        // Kura's _rollback goes back to the snapshot before the newest and answers its id
        assertEquals(JSON.readTree("{\"id\":" + first + "}"), json("POST", "/snapshots/_rollback", null));
        assertEquals(20, osgi.properties(PUMP).get("rate"));

        RestResponse byId = call("POST", "/snapshots/byId/_rollback", "{\"id\":" + second + "}");
        assertEquals(200, byId.status());
        assertEquals(33, osgi.properties(PUMP).get("rate"));

        assertEquals(JSON.readTree("{\"id\":" + first + "}"), json("POST", "/snapshots/_rollback", "{\"id\":" + first + "}"));
        assertEquals(20, osgi.properties(PUMP).get("rate"));

        String imported = SnapshotEdits.of(secondXml).set(PUMP, "rate", "Integer", false, "44").toXml();
        long importedId = json("POST", "/snapshots/_import", imported).get("id").asLong();
        assertEquals(44, osgi.properties(PUMP).get("rate"));
        assertTrue(service.snapshotIds().contains(importedId));

        assertEquals(ErrorCode.NOT_FOUND,
                assertThrows(OutpostException.class, () -> call("POST", "/snapshots/byId/_rollback", "{\"id\":7}")).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(OutpostException.class, () -> call("POST", "/snapshots/byId", "{\"id\":\"soon\"}")).code());
        assertEquals(ErrorCode.INVALID_ARGUMENT,
                assertThrows(OutpostException.class, () -> call("POST", "/snapshots/_import", "<not-a-snapshot/>")).code());
    }

    @Test
    void rollingBackWithoutAnEarlierSnapshotOrOnAnUnknownRouteIsRefused() throws Exception {
        call("POST", "/snapshots/_write", null);
        OutpostException none = assertThrows(OutpostException.class, () -> call("POST", "/snapshots/_rollback", null));
        assertEquals(ErrorCode.NOT_FOUND, none.code());
        assertTrue(none.getMessage().contains("no earlier snapshot"), none.getMessage());

        OutpostException unknown = assertThrows(OutpostException.class, () -> call("DELETE", "/snapshots", null));
        assertEquals(ErrorCode.NOT_FOUND, unknown.code());
        assertEquals("no such route: DELETE /services/configuration/v2/snapshots", unknown.getMessage());
    }
}
