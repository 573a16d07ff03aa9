package org.outpost.device.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.device.Device;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceConnection;
import org.outpost.api.device.DeviceDriver;
import org.outpost.api.device.DeviceException;
import org.outpost.api.device.InvalidDeviceException;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.ValueType;
import org.outpost.api.device.Values;

/** The driver against a real Mosquitto that each test starts on a free port. */
class MqttDriverTest {

    @TempDir
    Path dir;
    private MosquittoBroker broker;
    private final MqttDriver driver = new MqttDriver();
    private final List<DeviceConnection> opened = new ArrayList<>();
    private final BlockingQueue<Reading> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void startBroker() throws Exception {
        broker = MosquittoBroker.anonymous(dir).start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (DeviceConnection connection : opened) connection.close();
        if (broker != null) broker.close();
    }

    @Test
    void describesItselfAndRegistersAsTheMqttDriver() throws IOException {
        assertEquals("mqtt", driver.type());
        assertEquals(List.of("topic", "json.path"), driver.channelArguments());
        String component;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("OSGI-INF/" + MqttDriver.class.getName() + ".xml")) {
            assertNotNull(in, "bnd did not generate the component description");
            component = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(component.contains("<property name=\"" + DeviceDriver.TYPE_PROPERTY + "\" type=\"String\" value=\"mqtt\"/>"),
                component);
    }

    @Test
    void wholePayloadsAsNumbersOrText() throws Exception {
        Device device = device("temp#topic=plant/temp", "label#topic=plant/label", "label#+value.type=STRING");
        DeviceConnection connection = listen(device);
        broker.publish("plant/temp", " 21.5\n");
        Reading temp = next();
        assertEquals("temp", temp.channel());
        assertEquals(Quality.GOOD, temp.quality());
        assertEquals(21.5, temp.value());
        broker.publish("plant/label", "boiler room");
        Reading label = next();
        assertEquals("label", label.channel());
        assertEquals("boiler room", label.value());
        broker.publish("plant/temp", "warm");
        Reading text = next();
        assertEquals("warm", text.value(), "not a number: the text, for the caller to convert");
        Reading converted = Values.toChannel(device.channel("temp"), text);
        assertEquals(Quality.BAD, converted.quality());
        assertTrue(connection.connected());
    }

    @Test
    void jsonPathsIntoNestedObjectsAndArrays() throws Exception {
        Device device = device(
                "first#topic=plant/state", "first#json.path=$.sensors[0].t",
                "nested#topic=plant/state", "nested#json.path=sensors.1.t.c",
                "ok#topic=plant/state", "ok#json.path=$.ok", "ok#+value.type=BOOLEAN",
                "name#topic=plant/state", "name#json.path=name", "name#+value.type=STRING",
                "raw#topic=plant/state", "raw#json.path=$.sensors[1].t", "raw#+value.type=STRING");
        listen(device);
        broker.publish("plant/state", """
                {"sensors": [{"id": "a", "t": 20.5}, {"id": "b", "t": {"c": 7}}], "ok": true, "name": "boiler"}
                """);
        Map<String, Reading> readings = next(5);
        assertEquals(20.5, readings.get("first").value());
        assertEquals(7.0, readings.get("nested").value());
        assertEquals(true, readings.get("ok").value());
        assertEquals(ValueType.BOOLEAN, readings.get("ok").type());
        assertEquals("boiler", readings.get("name").value());
        assertEquals("{\"c\":7}", readings.get("raw").value());
        assertTrue(readings.values().stream().allMatch(r -> r.quality() == Quality.GOOD && r.device().equals("meter")));
    }

    @Test
    void wildcardTopics() throws Exception {
        Device device = device("any#topic=site/+/temp", "all#topic=site/#", "all#+value.type=STRING");
        listen(device);
        broker.publish("site/hall/temp", "19");
        Map<String, Reading> first = next(2);
        assertEquals(19.0, first.get("any").value());
        assertEquals(19.0, first.get("all").value());
        broker.publish("site/hall/humidity", "55");
        Reading humidity = next();
        assertEquals("all", humidity.channel(), "only site/# matches site/hall/humidity");
        assertEquals(55.0, humidity.value());
        broker.publish("site/roof/temp", "4.5");
        Map<String, Reading> roof = next(2);
        assertEquals(4.5, roof.get("any").value());
        assertNull(received.poll(200, TimeUnit.MILLISECONDS), "nothing else arrived: " + received);
    }

    @Test
    void aFailingSinkDoesNotCostTheConnection() throws Exception {
        Device device = device("t#topic=plant/temp");
        DeviceConnection connection = open(device);
        connection.listen(device.channels(), reading -> {
            received.add(reading);
            if (received.size() == 1) throw new IllegalStateException("sink failed");
        });
        broker.publish("plant/temp", "1");
        assertEquals(1.0, next().value());
        broker.publish("plant/temp", "2");
        assertEquals(2.0, next().value());
        assertTrue(connection.connected());
    }

    @Test
    void invalidJsonAndMissingPathsAreBad() throws Exception {
        Device device = device("t#topic=plant/json", "t#json.path=$.a.b");
        listen(device);
        broker.publish("plant/json", "{\"a\": {\"b\": 1}");
        Reading truncated = next();
        assertEquals(Quality.BAD, truncated.quality());
        assertTrue(truncated.reason().startsWith("message on plant/json is not JSON: "), truncated.reason());
        broker.publish("plant/json", "hello");
        assertTrue(next().reason().startsWith("message on plant/json is not JSON: "));
        broker.publish("plant/json", "{\"a\": {\"b\": 1}} trailing");
        assertEquals(Quality.BAD, next().quality(), "trailing text is not half-read");
        broker.publish("plant/json", "{\"a\": {\"c\": 1}}");
        Reading missing = next();
        assertEquals(Quality.BAD, missing.quality());
        assertEquals("json.path $.a.b: no .b at $.a (found an object) in the message on plant/json", missing.reason());
        broker.publish("plant/json", "{\"a\": {\"b\": null}}");
        assertEquals("json.path $.a.b is null in the message on plant/json", next().reason());
        broker.publish("plant/json", "{\"a\": {\"b\": -3e2}}");
        Reading good = next();
        assertEquals(Quality.GOOD, good.quality());
        assertEquals(-300.0, good.value());
    }

    @Test
    void readGivesTheLastMessageAndSaysWhenThereIsNone() throws Exception {
        Device device = device("level#topic=tank/level", "other#topic=tank/other");
        DeviceConnection connection = open(device);
        assertTrue(connection.connected());
        List<Reading> before = connection.read(device.channels());
        assertEquals(List.of(Quality.BAD, Quality.BAD), before.stream().map(Reading::quality).toList());
        assertEquals("no message yet", before.get(0).reason());

        long sent = System.currentTimeMillis();
        broker.publish("tank/level", "{\"v\": 1}");
        broker.publish("tank/level", "73.25");
        awaitCondition(() -> Double.valueOf(73.25).equals(connection.read(List.of(device.channel("level"))).get(0).value()));
        Reading level = connection.read(List.of(device.channel("level"))).get(0);
        assertEquals(Quality.GOOD, level.quality());
        assertTrue(level.timestamp() >= sent && level.timestamp() <= System.currentTimeMillis(), "the arrival time");
        assertEquals(level, connection.read(List.of(device.channel("level"))).get(0), "the same message reads the same");
        assertEquals("no message yet", connection.read(List.of(device.channel("other"))).get(0).reason());

        broker.stop();
        awaitCondition(() -> !connection.connected());
        Reading stale = connection.read(List.of(device.channel("level"))).get(0);
        assertEquals(Quality.UNCERTAIN, stale.quality(), "a value, but the broker is gone");
        assertEquals(73.25, stale.value());
        assertEquals("not connected to broker " + broker.url(), stale.reason());
    }

    @Test
    void readingsFlowAgainAfterTheBrokerRestarts() throws Exception {
        Device device = device("t#topic=plant/temp");
        DeviceConnection connection = listen(device);
        broker.publish("plant/temp", "1");
        assertEquals(1.0, next().value());

        broker.stop();
        awaitCondition(() -> !connection.connected());
        broker.start();
        awaitCondition(connection::connected);
        // connected() means subscribed again: the first message after it gets through
        broker.publish("plant/temp", "2");
        Reading again = next();
        assertEquals(2.0, again.value());
        assertEquals(Quality.GOOD, connection.read(device.channels()).get(0).quality());
    }

    @Test
    void opensWhileTheBrokerIsDownAndConnectsWhenItComes() throws Exception {
        broker.stop();
        Device device = device("t#topic=late/temp");
        long started = System.nanoTime();
        DeviceConnection connection = listen(device);
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(6), "open waits a few seconds at most");
        assertFalse(connection.connected());
        assertEquals(Quality.BAD, connection.read(device.channels()).get(0).quality());
        broker.start();
        awaitCondition(connection::connected);
        broker.publish("late/temp", "5");
        assertEquals(5.0, next().value());
    }

    @Test
    void closeLeavesNoThreadBehind() throws Exception {
        Device device = device("client.id=closing-client", "t#topic=x/y");
        DeviceConnection connection = listen(device);
        assertTrue(threadsOf("closing-client") > 0, "Paho runs threads named after the client");
        broker.stop(); // also while it is reconnecting
        awaitCondition(() -> !connection.connected());
        connection.close();
        opened.remove(connection);
        awaitCondition(() -> threadsOf("closing-client") == 0 && threadsOf("outpost-mqtt-meter") == 0);
        assertThrows(DeviceException.class, () -> connection.listen(device.channels(), received::add));
        connection.close(); // twice is fine
    }

    @Test
    void aBrokerThatNeverAnswersNeitherHangsOpenNorClose() throws Exception {
        // a port that accepts TCP connections and then stays silent: no CONNACK ever comes
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) accepted.add(silent.accept());
                } catch (IOException e) {
                    // closed at the end of the test
                }
            }, "silent-broker");
            acceptor.start();
            try {
                Device device = deviceWithout("broker.url=tcp://127.0.0.1:" + silent.getLocalPort(), "client.id=silent-client",
                        "t#topic=a/b");
                long started = System.nanoTime();
                DeviceConnection connection = open(device);
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(7), "open waits a few seconds at most");
                assertFalse(connection.connected());
                assertEquals("no message yet", connection.read(device.channels()).get(0).reason());
                assertFalse(accepted.isEmpty(), "the driver did try the port");
                started = System.nanoTime();
                connection.close();
                opened.remove(connection);
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "close does not wait for the broker");
                awaitCondition(() -> threadsOf("silent-client") == 0 && threadsOf("outpost-mqtt-meter") == 0);
            } finally {
                silent.close();
                for (Socket socket : accepted) socket.close();
                acceptor.join(5_000);
            }
        }
    }

    @Test
    void logsInWithUsernameAndPasswordFileAndNeverLogsThePassword() throws Exception {
        broker.close();
        Path authDir = Files.createDirectories(dir.resolve("auth"));
        broker = MosquittoBroker.withPassword(authDir, "gateway", "s3cret-Pa55").start();
        Path passwordFile = Files.writeString(dir.resolve("password"), "s3cret-Pa55\n");
        Path wrongFile = Files.writeString(dir.resolve("wrong"), "guess\n");

        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            Device refused = device("username=gateway", "password.file=" + wrongFile, "client.id=wrong", "t#topic=a/b");
            DeviceConnection refusedConnection = open(refused);
            assertFalse(refusedConnection.connected(), "a wrong password does not get in");

            Device device = device("username=gateway", "password.file=" + passwordFile, "t#topic=secure/t");
            DeviceConnection connection = open(device);
            connection.listen(device.channels(), received::add);
            assertTrue(connection.connected());
        } finally {
            System.setErr(originalErr);
        }
        String logged = logs.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("cannot connect to broker"), logged);
        assertFalse(logged.contains("s3cret") || logged.contains("guess"), logged);
    }

    @Test
    void validateNamesEveryProblemByKey() throws IOException {
        assertEquals(List.of("broker.url: missing (e.g. tcp://127.0.0.1:1883 or ssl://broker.example.com:8883)",
                "t#topic: missing (an MQTT topic; wildcards + and # allowed)"),
                driver.validate(deviceWithout("t#json.path=$.a")));
        Path secret = Files.writeString(dir.resolve("secret"), "pw");
        assertEquals(List.of(), driver.validate(device("username=u", "password.file=" + secret, "qos=0",
                "client.id=abc", "a#topic=x/+/y", "b#topic=#", "b#json.path=a.b.0")));
        List<String> problems = driver.validate(device("broker.url=http://127.0.0.1:1883", "qos=2",
                "password.file=" + dir.resolve("nope"),
                "a#topic=x/#/y", "b#topic=ok", "b#json.path=$.a[", "c#topic=ok", "c#colour=red",
                "d#topic=ok", "d#+type=READ_WRITE"));
        assertEquals(List.of(
                "broker.url: 'http://127.0.0.1:1883' must start with tcp:// or ssl://",
                "password.file: " + dir.resolve("nope") + " is not a file",
                "password.file: a password needs a username (MQTT 3.1.1)",
                "qos: '2' is not 0 or 1",
                "a#topic: 'x/#/y' is not a topic filter (Invalid usage of multi-level wildcard in topic string: x/#/y)",
                "b#json.path: '$.a[' has an unclosed '[' at position 4 (e.g. $.a.b[0].c or a.b.0.c)",
                "c#colour: unknown key for the mqtt driver (it takes topic, json.path)",
                "d#+type: the mqtt driver only reads (READ), READ_WRITE is not possible"), problems);
        assertEquals(List.of("broker.url: the URL must not carry credentials; use username and password.file"),
                driver.validate(device("broker.url=tcp://user:pw@127.0.0.1:1883")));
        assertEquals(List.of("broker.url: 'tcp://127.0.0.1:1883/x' must not have a path"),
                driver.validate(device("broker.url=tcp://127.0.0.1:1883/x")));
        assertEquals(List.of("broker.url: 'tcp://:1883' names no host"), driver.validate(device("broker.url=tcp://:1883")));
        DeviceException refused = assertThrows(DeviceException.class, () -> driver.open(device("qos=7")));
        assertTrue(refused.getMessage().contains("qos: '7' is not 0 or 1"), refused.getMessage());
    }

    private DeviceConnection open(Device device) throws DeviceException {
        DeviceConnection connection = driver.open(device);
        opened.add(connection);
        return connection;
    }

    private DeviceConnection listen(Device device) throws DeviceException {
        DeviceConnection connection = open(device);
        connection.listen(device.channels(), received::add);
        return connection;
    }

    private Reading next() throws InterruptedException {
        Reading reading = received.poll(10, TimeUnit.SECONDS);
        assertNotNull(reading, "no reading within 10 s; broker log:\n" + broker.logText());
        return reading;
    }

    /** The next {@code count} readings by channel. */
    private Map<String, Reading> next(int count) throws InterruptedException {
        Map<String, Reading> readings = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            Reading reading = next();
            readings.put(reading.channel(), reading);
        }
        assertEquals(count, readings.size(), "one reading per channel: " + readings);
        return readings;
    }

    /** A device on the test's broker; channels are DOUBLE READ listen channels unless the keys say. */
    private Device device(String... keys) {
        List<String> all = new ArrayList<>();
        all.add("broker.url=" + broker.url());
        all.addAll(List.of(keys));
        return deviceWithout(all.toArray(new String[0]));
    }

    private static Device deviceWithout(String... keys) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(DeviceConfig.NAME, "meter");
        properties.put(DeviceConfig.DRIVER_PID, "mqtt");
        for (String key : keys) {
            int eq = key.indexOf('=');
            properties.put(key.substring(0, eq), key.substring(eq + 1));
        }
        for (String key : List.copyOf(properties.keySet())) {
            int hash = key.indexOf('#');
            if (hash < 0) continue;
            properties.putIfAbsent(key.substring(0, hash) + "#+value.type", "DOUBLE");
            properties.putIfAbsent(key.substring(0, hash) + "#+listen", "true");
        }
        try {
            return DeviceConfig.parse(properties);
        } catch (InvalidDeviceException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static long threadsOf(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().contains(name)).count();
    }

    private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 20 s");
            Thread.sleep(20);
        }
    }
}
