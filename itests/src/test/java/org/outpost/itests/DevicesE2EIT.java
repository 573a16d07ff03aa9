package org.outpost.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.outpost.itests.OutpostProcesses.await;
import static org.outpost.itests.OutpostProcesses.awaitValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.itests.OutpostProcesses.Node;
import org.outpost.itests.OutpostProcesses.Result;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Devices and telemetry on a real cluster: a server and an agent as processes, an independent
 * Modbus-TCP server (pymodbus) the agent reads, and a real Mosquitto as the upstream broker,
 * watched by {@code mosquitto_sub} and decoded with {@code protoc}. Steps build on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevicesE2EIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String MODBUS_VALUES = """
            {"size": 20,
             "holding_registers": {"0": 235, "1": 1013},
             "coils": {"0": true}}
            """;

    @TempDir
    static Path work;
    private OutpostProcesses outpost;
    private Mosquitto mosquitto;
    private ModbusServer modbus;
    private KuraDecoder kura;
    private ServerApi api;
    private int port;
    private Node server;
    private Node agent;
    private Path tokenFile;

    @BeforeAll
    void start() throws Exception {
        outpost = new OutpostProcesses(work);
        kura = new KuraDecoder(outpost.repo);
        mosquitto = Mosquitto.start(work.resolve("mosquitto"));
        mosquitto.subscribe();
        modbus = ModbusServer.start(outpost.repo, work.resolve("modbus"), MODBUS_VALUES);
        port = OutpostProcesses.freePort();
        server = outpost.server("srv", port);
        tokenFile = outpost.dir("srv").resolve("server/node-token");
        await("node token file", WAIT, () -> Files.isRegularFile(tokenFile));
        agent = outpost.agent("gw-1", port, "--token-file", tokenFile.toString());
        outpost.awaitConsole(server);
        awaitValue("gw-1 Ready", WAIT, outpost.statusOf(server, "gw-1"), "Ready"::equals);
        outpost.awaitConsole(agent);
        api = new ServerApi(port, outpost.dir("srv"));
    }

    @AfterAll
    void stop() throws Exception {
        if (outpost != null) outpost.close();
        if (modbus != null) modbus.close();
        if (mosquitto != null) mosquitto.close();
    }

    private String ok(Node node, String... command) throws IOException, InterruptedException {
        Result result = outpost.shell(node, command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ": " + result.output());
        return result.output();
    }

    private String refused(Node node, String... command) throws IOException, InterruptedException {
        Result result = outpost.shell(node, command);
        assertNotEquals(0, result.exitCode(), String.join(" ", command) + " should fail: " + result.output());
        return result.output();
    }

    @Test
    @Order(1)
    void aDriverInstalledAtRuntimeReadsTheModbusDevice() throws Exception {
        String drivers = ok(agent, "edge:drivers");
        assertTrue(!drivers.contains("modbus-tcp"), "not installed yet: " + drivers);
        ok(agent, "feature:install", "outpost-device-modbus");
        assertTrue(ok(agent, "edge:drivers").contains("modbus-tcp"));

        String added = ok(agent, "edge:device-add", "boiler-1", "--driver", "modbus-tcp",
                "--set", "host=127.0.0.1,port=" + modbus.port + ",unit.id=1",
                "--channel", "temp:HOLDING_REGISTER:0:INT16:scale=0.1,unit=C,type=READ_WRITE",
                "--channel", "pressure:HOLDING_REGISTER:1:UINT16:unit=hPa",
                "--channel", "pump:COIL:0", "--poll", "1s");
        assertTrue(added.contains("Device boiler-1 added (modbus-tcp, 3 channels): Connected"), added);

        String devices = until("boiler-1 at the server", () -> shellQuiet(server, "edge:devices"),
                out -> out.lines().anyMatch(l -> l.matches("gw-1\\s+boiler-1\\s+modbus-tcp\\s+Connected\\s+3\\s+\\d+s ago")));
        assertTrue(devices.startsWith("NODE"), devices);

        String read = until("temp read at the server", () -> shellQuiet(server, "edge:read", "gw-1/boiler-1"),
                out -> out.contains("23.5"));
        assertTrue(read.lines().anyMatch(l -> l.matches("temp\\s+23\\.5\\s+C\\s+GOOD.*")), read);
        assertTrue(read.lines().anyMatch(l -> l.matches("pressure\\s+1013\\s+hPa\\s+GOOD.*")), read);
        assertTrue(read.lines().anyMatch(l -> l.matches("pump\\s+true\\s+-\\s+GOOD.*")), read);

        JsonNode json = outpost.shellJson(server, "edge:devices", "-o", "json");
        JsonNode boiler = find(json.path("items"), "name", "boiler-1");
        assertEquals("gw-1", boiler.path("node").asText());
        assertEquals("Connected", boiler.path("status").asText());
    }

    @Test
    @Order(2)
    void badDeviceConfigurationsAreRefusedWithAClearError() throws Exception {
        String unknown = refused(agent, "edge:device-add", "x1", "--driver", "profibus", "--channel", "a");
        assertTrue(unknown.contains("no driver 'profibus' is installed (installed: linux, modbus-tcp, simulated"), unknown);
        String address = refused(agent, "edge:device-add", "x2", "--driver", "modbus-tcp", "--set", "host=127.0.0.1,port=" + modbus.port,
                "--channel", "t:HOLDING_REGISTER:70000:INT16");
        assertTrue(address.contains("t#start.address"), address);
        String type = refused(agent, "edge:device-add", "x3", "--driver", "modbus-tcp", "--set", "host=127.0.0.1",
                "--channel", "t:HOLDING_REGISTER:0:INT16:value.type=QUATERNION");
        assertTrue(type.contains("t#+value.type: 'QUATERNION' is not one of"), type);
        String exists = refused(agent, "edge:device-add", "boiler-1", "--driver", "simulated", "--channel", "a:sine");
        assertTrue(exists.contains("device boiler-1 exists"), exists);
        JsonNode devices = outpost.shellJson(agent, "edge:devices", "-o", "json");
        assertEquals(1, devices.path("items").size(), "nothing was added: " + devices);
    }

    @Test
    @Order(3)
    void aWriteReachesTheDevice() throws Exception {
        assertTrue(ok(server, "edge:write", "gw-1/boiler-1", "temp", "21.5").contains("Wrote 21.5 to gw-1/boiler-1 temp."));
        awaitValue("21.5 read back", WAIT, () -> shellQuiet(agent, "edge:read", "boiler-1", "temp"), out -> out.contains("21.5"));
        String readOnly = refused(server, "edge:write", "gw-1/boiler-1", "pressure", "1");
        assertTrue(readOnly.contains("read-only"), readOnly);
        String notANumber = refused(server, "edge:write", "gw-1/boiler-1", "temp", "warm");
        assertTrue(notANumber.contains("'warm' is not a DOUBLE"), notANumber);
    }

    @Test
    @Order(4)
    void aRuleFiresAtTheEdgeWithinOnePollInterval() throws Exception {
        ok(server, "edge:rule-add", "boiler-hot", "--device", "gw-1/boiler-1", "--channel", "temp", "--above", "90");
        awaitValue("the rule on gw-1", WAIT, () -> shellQuiet(agent, "edge:rules"), out -> out.contains("boiler-hot"));
        JsonNode written = api.post("/v1/devices/gw-1/boiler-1/write", "{\"channel\": \"temp\", \"value\": 95}");
        long writtenAt = written.path("timestamp").asLong();
        JsonNode alert = until("boiler-hot raised", () -> alert("boiler-hot"), a -> a != null);
        assertTrue(alert.path("active").asBoolean(), alert.toString());
        long delay = alert.path("timestamp").asLong() - writtenAt;
        assertTrue(delay >= 0 && delay <= 1_000, "raised " + delay + " ms after the write; the poll interval is 1 s");
        assertEquals(95.0, alert.path("value").asDouble());
        ok(server, "edge:write", "gw-1/boiler-1", "temp", "23.5");
    }

    @Test
    @Order(5)
    void readingsReachMosquittoInKuraFormatWithBirthFirst() throws Exception {
        ok(agent, "edge:device-add", "counter", "--driver", "simulated", "--channel", "n:ramp:min=0,max=1000000,period=100000s",
                "--poll", "100ms");
        String connected = ok(agent, "edge:cloud-connect", mosquitto.url(), "--account", "acme", "--client-id", "gw-1");
        assertTrue(connected.contains("Connected to " + mosquitto.url() + " as acme/gw-1."), connected);
        awaitValue("temp readings at the broker", WAIT, () -> topics(), t -> t.contains("acme/gw-1/outpost/boiler-1/temp"));
        List<Mosquitto.Message> messages = mosquitto.messages();
        int birth = indexOf(messages, "$EDC/acme/gw-1/MQTT/BIRTH");
        int firstData = -1;
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).topic().startsWith("acme/gw-1/")) {
                firstData = i;
                break;
            }
        }
        assertTrue(birth >= 0 && birth < firstData, "BIRTH (" + birth + ") before the first data (" + firstData + ")");
        KuraDecoder.Payload birthPayload = kura.decode(messages.get(birth).payload());
        for (String metric : List.of("uptime", "display_name", "model_name", "jvm_version", "os", "available_processors")) {
            assertTrue(birthPayload.metrics().containsKey(metric), "BIRTH has " + metric + ": " + birthPayload.metrics());
        }
        Mosquitto.Message temp = last(mosquitto.messages(), "acme/gw-1/outpost/boiler-1/temp");
        KuraDecoder.Payload reading = kura.decode(temp.payload());
        assertEquals("DOUBLE", reading.types().get("temp"), reading.toString());
        assertEquals(23.5, Double.parseDouble(reading.metric("temp")), 1e-9);
        assertEquals("GOOD", reading.metric("quality"));
        assertTrue(Long.parseLong(reading.metric("seq")) > 0);
        assertTrue(reading.timestamp() > 0);
        api.post("/v1/devices/gw-1/boiler-1/write", "{\"channel\": \"temp\", \"value\": 95}");
        awaitValue("the alert at the broker", WAIT, this::topics, t -> t.contains("acme/gw-1/outpost/alerts/boiler-hot"));
        KuraDecoder.Payload alert = kura.decode(last(mosquitto.messages(), "acme/gw-1/outpost/alerts/boiler-hot").payload());
        assertEquals("true", alert.metric("active"), alert.toString());
        ok(server, "edge:write", "gw-1/boiler-1", "temp", "23.5");
        String cloud = ok(agent, "edge:cloud");
        assertTrue(cloud.contains("Connected:  yes"), cloud);
    }

    @Test
    @Order(6)
    void theBrokerDownFor30SecondsLosesNothingAndKeepsTheOrder() throws Exception {
        long from = serverMaxSeq("counter");
        awaitValue("the broker caught up", WAIT, () -> mqttSeqs("acme/gw-1/outpost/counter/n").contains(from), b -> b);
        mosquitto.stopBroker();
        Thread.sleep(30_000);
        String down = ok(agent, "edge:cloud");
        assertTrue(down.contains("Connected:  no"), down);
        mosquitto.startBroker();
        long to = serverMaxSeq("counter");
        Set<Long> expected = new TreeSet<>();
        for (JsonNode item : readings("counter")) {
            long seq = item.path("seq").asLong();
            if (seq > from && seq <= to) expected.add(seq);
        }
        assertTrue(expected.size() > 200, "readings taken while the broker was down: " + expected.size());
        awaitValue("every reading of the outage at the broker", WAIT,
                () -> mqttSeqs("acme/gw-1/outpost/counter/n").containsAll(expected), all -> all);
        List<Long> arrival = firstOccurrences("acme/gw-1/outpost/counter/n");
        for (int i = 1; i < arrival.size(); i++) {
            assertTrue(arrival.get(i) > arrival.get(i - 1), "order kept: " + arrival.get(i - 1) + " then " + arrival.get(i));
        }
    }

    @Test
    @Order(7)
    void afterKill9EveryAcknowledgedReadingArrivesExactlyOnce() throws Exception {
        long before = nodeMaxSeq();
        Thread.sleep(2_000);
        agent.kill9();
        agent = outpost.agent("gw-1", port);
        awaitValue("gw-1 Ready again", WAIT, outpost.statusOf(server, "gw-1"), "Ready"::equals);
        long afterRestart = nodeMaxSeq();
        awaitValue("new readings after the restart", WAIT, this::nodeMaxSeqQuiet, max -> max > afterRestart + 50);
        Thread.sleep(3_000);
        List<Long> seqs = new ArrayList<>();
        for (String device : List.of("boiler-1", "counter")) {
            for (JsonNode item : readings(device)) {
                if (item.path("seq").asLong() > before) seqs.add(item.path("seq").asLong());
            }
        }
        for (JsonNode item : api.get("/v1/alerts").path("items")) {
            if (item.path("node").asText().equals("gw-1") && item.path("seq").asLong() > before) seqs.add(item.path("seq").asLong());
        }
        Set<Long> unique = new HashSet<>(seqs);
        assertEquals(seqs.size(), unique.size(), "no record kept twice");
        long max = seqs.stream().mapToLong(Long::longValue).max().orElseThrow();
        for (long seq = before + 1; seq <= max; seq++) {
            assertTrue(unique.contains(seq), "record " + seq + " arrived (gw-1 was killed after " + before + ")");
        }
        String metrics = api.text("/metrics");
        assertTrue(metrics.contains("outpost_readings_received_total{node=\"gw-1\"}"), metrics);
    }

    @Test
    @Order(8)
    void aCleanDisconnectPublishesDc() throws Exception {
        outpost.awaitConsole(agent);
        awaitValue("gw-1 connected to the broker again", WAIT, () -> shellQuiet(agent, "edge:cloud"), out -> out.contains("Connected:  yes"));
        ok(agent, "edge:cloud-disconnect");
        awaitValue("DC at the broker", WAIT, () -> topics(), t -> t.contains("$EDC/acme/gw-1/MQTT/DC"));
        assertTrue(ok(agent, "edge:cloud").contains("Not connected"));
        assertEquals(0, outpost.shellJson(agent, "edge:outbox", "-o", "json").path("local").path("pendingByCursor").path("cloud")
                .asLong(0), "the cloud cursor is gone");
    }

    // helpers

    /** Polls until the value satisfies the condition and returns that value. */
    private static <T> T until(String what, java.util.function.Supplier<T> value, java.util.function.Predicate<T> ok)
            throws InterruptedException {
        List<T> seen = new ArrayList<>(1);
        awaitValue(what, WAIT, () -> {
            T current = value.get();
            seen.clear();
            seen.add(current);
            return current;
        }, ok);
        return seen.get(0);
    }

    private String shellQuiet(Node node, String... command) {
        try {
            Result result = outpost.shell(node, command);
            return result.exitCode() == 0 ? result.output() : "exit " + result.exitCode() + ": " + result.output();
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private JsonNode alert(String rule) {
        try {
            JsonNode found = null;
            for (JsonNode item : api.get("/v1/alerts").path("items")) {
                if (item.path("rule").asText().equals(rule) && item.path("active").asBoolean()) found = item;
            }
            return found;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private JsonNode readings(String device) throws IOException, InterruptedException {
        return api.get("/v1/readings?node=gw-1&device=" + device).path("items");
    }

    private long serverMaxSeq(String device) throws IOException, InterruptedException {
        long max = 0;
        for (JsonNode item : readings(device)) max = Math.max(max, item.path("seq").asLong());
        return max;
    }

    private long nodeMaxSeq() throws IOException, InterruptedException {
        return Math.max(serverMaxSeq("boiler-1"), serverMaxSeq("counter"));
    }

    private long nodeMaxSeqQuiet() {
        try {
            return nodeMaxSeq();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private Set<String> topics() {
        try {
            Set<String> topics = new HashSet<>();
            for (Mosquitto.Message message : mosquitto.messages()) topics.add(message.topic());
            return topics;
        } catch (IOException e) {
            return Set.of();
        }
    }

    private Set<Long> mqttSeqs(String topic) {
        return new HashSet<>(firstOccurrencesQuiet(topic));
    }

    private List<Long> firstOccurrencesQuiet(String topic) {
        try {
            return firstOccurrences(topic);
        } catch (IOException | InterruptedException e) {
            return List.of();
        }
    }

    /** The seq metric of each message on the topic, in arrival order, duplicates (QoS 1 redeliveries) left out. */
    private List<Long> firstOccurrences(String topic) throws IOException, InterruptedException {
        Map<String, Long> decoded = new HashMap<>();
        List<Long> order = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (Mosquitto.Message message : mosquitto.messages()) {
            if (!message.topic().equals(topic)) continue;
            String key = java.util.HexFormat.of().formatHex(message.payload());
            Long seq = decoded.get(key);
            if (seq == null) {
                seq = Long.parseLong(kura.decode(message.payload()).metric("seq"));
                decoded.put(key, seq);
            }
            if (seen.add(seq)) order.add(seq);
        }
        return order;
    }

    private static int indexOf(List<Mosquitto.Message> messages, String topic) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).topic().equals(topic)) return i;
        }
        return -1;
    }

    private static Mosquitto.Message last(List<Mosquitto.Message> messages, String topic) {
        Mosquitto.Message found = null;
        for (Mosquitto.Message message : messages) {
            if (message.topic().equals(topic)) found = message;
        }
        if (found == null) throw new AssertionError("no message on " + topic);
        return found;
    }

    private static JsonNode find(JsonNode items, String key, String value) {
        for (JsonNode item : items) {
            if (item.path(key).asText().equals(value)) return item;
        }
        throw new AssertionError("no item with " + key + "=" + value + " in " + items);
    }
}
