package org.outpost.cloud.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.device.Alert;
import org.outpost.api.device.CloudStatus;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.api.device.ValueType;
import org.outpost.cloud.mqtt.internal.CloudSubscriber.Message;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload.KuraMetric;
import org.outpost.outbox.Outbox;

/** The publisher against a real Mosquitto, checked by an independent subscriber. */
class CloudPublisherTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path brokerDir;
    static MosquittoBroker broker;

    @TempDir
    Path dir;
    UplinkHarness harness;
    CloudSubscriber subscriber;
    String clientId;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = MosquittoBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) broker.close();
    }

    @BeforeEach
    void setUp(TestInfo test) throws Exception {
        harness = new UplinkHarness(dir);
        clientId = "gw-" + test.getTestMethod().orElseThrow().getName().toLowerCase().replaceAll("[^a-z0-9]", "");
        subscriber = CloudSubscriber.connect(broker.url(), "$EDC/" + UplinkHarness.ACCOUNT + "/" + clientId + "/#",
                UplinkHarness.ACCOUNT + "/" + clientId + "/#");
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
        subscriber.close();
    }

    private String birthTopic() {
        return "$EDC/acme/" + clientId + "/MQTT/BIRTH";
    }

    private String readingTopic(String device, String channel) {
        return "acme/" + clientId + "/outpost/" + device + "/" + channel;
    }

    @Test
    void birthComesFirstWithTheNodeDescribedInStrings() throws Exception {
        harness.openCursor();
        Outbox outbox = harness.outbox();
        for (int i = 0; i < 3; i++) {
            outbox.append(Outbox.PRIORITY_READING, TelemetryCodec.encode(Reading.good("boiler-1", "temp", 1_000 + i, 20.5 + i)));
        }
        CloudPublisher publisher = harness.publisher(UplinkHarness.config(broker.url(), clientId));
        publisher.start();

        List<Message> messages = subscriber.await(m -> true, 4, WAIT);
        assertEquals(birthTopic(), messages.get(0).topic(), "BIRTH precedes data");
        Map<String, KuraMetric> birth = messages.get(0).metrics();
        for (KuraMetric metric : birth.values()) {
            assertEquals(KuraMetric.ValueType.STRING, metric.getType(), metric.getName() + " is a STRING, as in Kura");
        }
        assertEquals("gw-test", birth.get("display_name").getStringValue());
        assertEquals("Test Box", birth.get("model_name").getStringValue());
        assertEquals("SN-42", birth.get("serial_number").getStringValue());
        assertEquals("0.1.0", birth.get("firmware_version").getStringValue());
        assertEquals("Outpost", birth.get("application_framework").getStringValue());
        assertEquals("0.1.0", birth.get("application_framework_version").getStringValue());
        assertEquals(System.getProperty("java.vm.name"), birth.get("jvm_name").getStringValue());
        assertEquals(System.getProperty("java.vm.version"), birth.get("jvm_version").getStringValue());
        assertEquals(System.getProperty("os.name"), birth.get("os").getStringValue());
        assertEquals(System.getProperty("os.version"), birth.get("os_version").getStringValue());
        assertEquals("lo", birth.get("connection_interface").getStringValue(), "the broker is on loopback");
        assertEquals("127.0.0.1", birth.get("connection_ip").getStringValue());
        assertEquals("outpost", birth.get("application_ids").getStringValue());
        assertEquals(String.valueOf(Runtime.getRuntime().availableProcessors()), birth.get("available_processors").getStringValue());
        assertTrue(Long.parseLong(birth.get("total_memory").getStringValue()) > 0);
        assertTrue(Long.parseLong(birth.get("free_memory").getStringValue()) > 0);
        assertTrue(Long.parseLong(birth.get("uptime").getStringValue()) >= 90_000, "node started 90 s ago");
        assertEquals(clientId, birth.get("client_id").getStringValue());
        assertEquals("gzip", birth.get("accept_encoding").getStringValue());
        assertEquals("Apache Software Foundation", birth.get("osgi_framework").getStringValue());
        assertFalse(birth.containsKey("kura_version"), "Outpost does not claim to be Kura");
        assertTrue(messages.get(0).kura().getTimestamp() > 0);

        for (Message data : messages.subList(1, 4)) assertEquals(readingTopic("boiler-1", "temp"), data.topic());
        CloudStatus status = UplinkHarness.awaitStatus(publisher, s -> s.published() == 3 && s.pending() == 0, WAIT);
        assertTrue(status.connected());
        assertTrue(status.connectedSince() > 0);
        assertEquals(broker.url(), status.broker());
        assertEquals("acme", status.account());
        assertEquals(clientId, status.clientId());
        assertEquals("", status.lastError());
    }

    @Test
    void readingsGoToTheirChannelTopicWithKuraTypedMetricsAndTheirSeq() throws Exception {
        CloudPublisher publisher = harness.publisher(UplinkHarness.config(broker.url(), clientId));
        publisher.start();
        subscriber.awaitTopic(birthTopic(), WAIT);
        Outbox outbox = harness.outbox();
        long ts = 1_700_000_000_123L;
        Map<String, Object> values = Map.of("d", 21.25d, "f", 1.5f, "l", 1L << 40, "i", -7, "b", true, "s", "on",
                "y", new byte[] {1, 2, 3});
        Map<String, KuraMetric.ValueType> expectedTypes = Map.of("d", KuraMetric.ValueType.DOUBLE, "f",
                KuraMetric.ValueType.FLOAT, "l", KuraMetric.ValueType.INT64, "i", KuraMetric.ValueType.INT32, "b",
                KuraMetric.ValueType.BOOL, "s", KuraMetric.ValueType.STRING, "y", KuraMetric.ValueType.BYTES);
        Map<String, Long> seqs = new java.util.HashMap<>();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            seqs.put(entry.getKey(), outbox.append(Outbox.PRIORITY_READING,
                    TelemetryCodec.encode(Reading.good("press-2", entry.getKey(), ts, entry.getValue()))));
        }
        long badSeq = outbox.append(Outbox.PRIORITY_READING,
                TelemetryCodec.encode(Reading.bad("press-2", "broken", ts, "timeout after 500 ms")));
        long staleSeq = outbox.append(Outbox.PRIORITY_READING, TelemetryCodec.encode(
                new Reading("press-2", "stale", ts, ValueType.INTEGER, 5, Quality.UNCERTAIN, "driver gone")));

        for (Map.Entry<String, Object> entry : values.entrySet()) {
            String channel = entry.getKey();
            Message message = subscriber.awaitTopic(readingTopic("press-2", channel), WAIT);
            KuraMetric value = message.metric(channel);
            assertEquals(expectedTypes.get(channel), value.getType(), channel);
            Object decoded = KuraMetrics.value(value);
            if (decoded instanceof byte[] bytes) {
                assertArrayEquals((byte[]) entry.getValue(), bytes);
            } else {
                assertEquals(entry.getValue(), decoded, channel);
            }
            assertEquals(KuraMetric.ValueType.INT64, message.metric(channel + "_timestamp").getType());
            assertEquals(ts, message.metric(channel + "_timestamp").getLongValue());
            assertEquals("GOOD", message.metric("quality").getStringValue());
            assertEquals(KuraMetric.ValueType.INT64, message.metric("seq").getType());
            assertEquals(seqs.get(channel), message.seq());
            assertEquals(ts, message.kura().getTimestamp());
            assertEquals(4, message.metrics().size(), "value, timestamp, quality, seq: " + message.metrics().keySet());
        }
        Message bad = subscriber.awaitTopic(readingTopic("press-2", "broken"), WAIT);
        assertEquals("timeout after 500 ms", bad.metric("broken_error").getStringValue());
        assertFalse(bad.metrics().containsKey("broken"), "a BAD reading has no value");
        assertEquals("BAD", bad.metric("quality").getStringValue());
        assertEquals(badSeq, bad.seq());
        Message stale = subscriber.awaitTopic(readingTopic("press-2", "stale"), WAIT);
        assertEquals(5, stale.metric("stale").getIntValue());
        assertEquals("UNCERTAIN", stale.metric("quality").getStringValue());
        assertEquals(staleSeq, stale.seq());
        UplinkHarness.awaitStatus(publisher, s -> s.pending() == 0 && s.published() == values.size() + 2, WAIT);
    }

    @Test
    void alertsGoToTheAlertsTopicOfTheirRule() throws Exception {
        CloudPublisher publisher = harness.publisher(UplinkHarness.config(broker.url(), clientId));
        publisher.start();
        subscriber.awaitTopic(birthTopic(), WAIT);
        long seq = harness.outbox().append(Outbox.PRIORITY_ALERT, TelemetryCodec.encode(
                new Alert("high-temp", "boiler-1", "temp", 1_700_000_000_000L, true, 93.5, "temp above 90 for 10s")));

        Message alert = subscriber.awaitTopic("acme/" + clientId + "/outpost/alerts/high-temp", WAIT);
        assertEquals("high-temp", alert.metric("rule").getStringValue());
        assertEquals("boiler-1", alert.metric("device").getStringValue());
        assertEquals("temp", alert.metric("channel").getStringValue());
        assertEquals(KuraMetric.ValueType.BOOL, alert.metric("active").getType());
        assertTrue(alert.metric("active").getBoolValue());
        assertEquals(KuraMetric.ValueType.DOUBLE, alert.metric("value").getType());
        assertEquals(93.5, alert.metric("value").getDoubleValue());
        assertEquals("temp above 90 for 10s", alert.metric("message").getStringValue());
        assertEquals(seq, alert.seq());
        assertEquals(1_700_000_000_000L, alert.kura().getTimestamp());
    }

    @Test
    void largePayloadsTravelGzippedAndDecode() throws Exception {
        CloudPublisher publisher = harness.publisher(UplinkHarness.config(broker.url(), clientId));
        publisher.start();
        subscriber.awaitTopic(birthTopic(), WAIT);
        String log = "pump 3 status OK; pressure nominal; ".repeat(200);
        harness.outbox().append(Outbox.PRIORITY_READING, TelemetryCodec.encode(Reading.good("pump-3", "log", 5, log)));
        harness.outbox().append(Outbox.PRIORITY_READING, TelemetryCodec.encode(Reading.good("pump-3", "rpm", 5, 1450)));

        Message large = subscriber.awaitTopic(readingTopic("pump-3", "log"), WAIT);
        assertTrue(KuraPayloadCodec.compressed(large.payload()), "starts with the gzip magic 1f 8b");
        assertTrue(large.payload().length < log.length() / 4, "compressed: " + large.payload().length + " bytes");
        assertEquals(log, large.metric("log").getStringValue());
        Message small = subscriber.awaitTopic(readingTopic("pump-3", "rpm"), WAIT);
        assertFalse(KuraPayloadCodec.compressed(small.payload()), "a small payload is sent as is");
        assertEquals(1450, KuraPayload.parseFrom(small.payload()).getMetric(0).getIntValue());
    }

    @Test
    void theWirePayloadIsPlainProtobufAsProtocSeesIt() throws Exception {
        Path protoc = Path.of("/usr/bin/protoc");
        Path mosquittoSub = Path.of("/usr/bin/mosquitto_sub");
        assertTrue(Files.isExecutable(protoc), "protoc is missing: install protobuf-compiler (scripts/test-prereqs.sh)");
        assertTrue(Files.isExecutable(mosquittoSub), "mosquitto_sub is missing: install mosquitto-clients");
        CloudPublisher publisher = harness.publisher(UplinkHarness.config(broker.url(), clientId));
        publisher.start();
        subscriber.awaitTopic(birthTopic(), WAIT);

        Path raw = dir.resolve("payload.bin");
        String topic = readingTopic("tank-1", "level");
        Process sub = new ProcessBuilder(mosquittoSub.toString(), "-h", "127.0.0.1", "-p", String.valueOf(broker.port()),
                "-q", "1", "-t", topic, "-C", "1", "-N").redirectOutput(raw.toFile()).redirectErrorStream(false).start();
        try {
            // mosquitto_sub says nothing once subscribed: publish until it has taken one message and left
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!sub.waitFor(100, TimeUnit.MILLISECONDS)) {
                assertTrue(System.nanoTime() < deadline, "mosquitto_sub received nothing");
                harness.outbox().append(Outbox.PRIORITY_READING,
                        TelemetryCodec.encode(Reading.good("tank-1", "level", 1_700_000_000_000L, 42L)));
            }
        } finally {
            sub.destroyForcibly();
        }
        assertEquals(0, sub.exitValue());
        Process decode = new ProcessBuilder(protoc.toString(), "--decode_raw").redirectInput(raw.toFile()).start();
        String text = new String(decode.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(decode.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, decode.exitValue(), new String(decode.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        // field 1 = timestamp, 5000 = metric {1 name, 2 type, 5 long_value}; INT64 is type 2
        assertTrue(text.contains("1: 1700000000000"), text);
        assertTrue(text.contains("5000 {\n  1: \"level\"\n  2: 2\n  5: 42\n}"), text);
        assertTrue(text.contains("1: \"quality\"\n  2: 5\n  8: \"GOOD\""), text);
        assertTrue(text.contains("1: \"seq\""), text);
    }

    @Test
    void cleanStopPublishesDisconnectAndNoWill() throws Exception {
        CloudPublisher publisher = harness.publisher(UplinkHarness.config(broker.url(), clientId));
        publisher.start();
        subscriber.awaitTopic(birthTopic(), WAIT);
        publisher.stop();

        Message dc = subscriber.awaitTopic("$EDC/acme/" + clientId + "/MQTT/DC", WAIT);
        assertEquals("gw-test", dc.metric("display_name").getStringValue());
        assertFalse(publisher.status().connected());
        // a marker published after the stop arrives after anything the broker did for it
        String marker = "$EDC/acme/" + clientId + "/test/marker";
        MqttClient other = new MqttClient(broker.url(), "marker-" + clientId, new MemoryPersistence());
        other.connect();
        other.publish(marker, new byte[] {1}, 1, false);
        other.disconnect();
        other.close();
        subscriber.awaitTopic(marker, WAIT);
        assertTrue(subscriber.matching(m -> m.topic().endsWith("/MQTT/LWT")).isEmpty(), "no will after a clean stop");
    }

    @Test
    void whenTheConnectionDiesTheBrokerPublishesTheWillAndTheUplinkComesBack() throws Exception {
        try (TcpRelay relay = new TcpRelay(broker.port())) {
            CloudPublisher publisher = harness.publisher(UplinkHarness.config(relay.url(), clientId));
            publisher.start();
            subscriber.awaitTopic(birthTopic(), WAIT);
            UplinkHarness.awaitStatus(publisher, CloudStatus::connected, WAIT);

            relay.cut();

            Message will = subscriber.awaitTopic("$EDC/acme/" + clientId + "/MQTT/LWT", WAIT);
            assertEquals("gw-test", will.metric("display_name").getStringValue());
            assertEquals(clientId, will.metric("client_id").getStringValue());
            List<Message> births = subscriber.await(m -> m.topic().equals(birthTopic()), 2, WAIT);
            assertEquals(2, births.size(), "a new BIRTH after reconnecting");
            CloudStatus status = UplinkHarness.awaitStatus(publisher, CloudStatus::connected, WAIT);
            long seq = harness.outbox().append(Outbox.PRIORITY_READING,
                    TelemetryCodec.encode(Reading.good("boiler-1", "temp", 9, 30.0)));
            assertEquals(seq, subscriber.awaitTopic(readingTopic("boiler-1", "temp"), WAIT).seq());
            assertTrue(status.connectedSince() > 0);
        }
    }

    @Test
    void recordsLeaveTheOutboxOnlyOnPubackAndAtMostMaxInflightAreUnacknowledged() throws Exception {
        try (TcpRelay relay = new TcpRelay(broker.port())) {
            UplinkConfig config = UplinkConfig.of(relay.url(), "acme", clientId, null, null, null, 30, 10, null);
            CloudPublisher publisher = harness.publisher(config);
            publisher.start();
            subscriber.awaitTopic(birthTopic(), WAIT);
            UplinkHarness.awaitStatus(publisher, CloudStatus::connected, WAIT);

            relay.holdReplies();
            List<Long> seqs = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                seqs.add(harness.outbox().append(Outbox.PRIORITY_READING,
                        TelemetryCodec.encode(Reading.good("boiler-1", "temp", i, 1.0 * i))));
            }
            List<Message> delivered = subscriber.await(m -> m.topic().startsWith("acme/"), 10, WAIT);
            // the broker has these ten, but without its PUBACKs nothing leaves the outbox
            CloudStatus held = publisher.status();
            assertEquals(50, held.pending());
            assertEquals(0, held.published());
            assertTrue(held.connected());
            String marker = "acme/" + clientId + "/marker";
            MqttClient other = new MqttClient(broker.url(), "marker-" + clientId, new MemoryPersistence());
            other.connect();
            other.publish(marker, new byte[] {1}, 1, false);
            other.disconnect();
            other.close();
            subscriber.awaitTopic(marker, WAIT);
            assertEquals(10, subscriber.matching(m -> m.topic().startsWith("acme/" + clientId + "/outpost/")).size(),
                    "max.inflight = 10 messages without PUBACK, no more");
            assertEquals(seqs.subList(0, 10), delivered.stream().map(Message::seq).toList(), "oldest first");

            relay.releaseReplies();
            CloudStatus released = UplinkHarness.awaitStatus(publisher, s -> s.pending() == 0, WAIT);
            assertEquals(50, released.published());
            // the broker acknowledges the publisher and forwards to the subscriber independently
            subscriber.await(m -> m.topic().startsWith("acme/" + clientId + "/outpost/"), 50, WAIT);
            assertEquals(50, subscriber.matching(m -> m.topic().startsWith("acme/" + clientId + "/outpost/")).size());
        }
    }

    @Test
    void disconnectGoesOutEvenWhenTheWindowIsFull() throws Exception {
        try (TcpRelay relay = new TcpRelay(broker.port())) {
            UplinkConfig config = UplinkConfig.of(relay.url(), "acme", clientId, null, null, null, 30, 5, null);
            CloudPublisher publisher = harness.publisher(config);
            publisher.start();
            subscriber.awaitTopic(birthTopic(), WAIT);
            UplinkHarness.awaitStatus(publisher, CloudStatus::connected, WAIT);
            relay.holdReplies();
            for (int i = 0; i < 20; i++) {
                harness.outbox().append(Outbox.PRIORITY_READING, TelemetryCodec.encode(Reading.good("boiler-1", "temp", i, 1.0)));
            }
            subscriber.await(m -> m.topic().startsWith("acme/"), 5, WAIT); // the window of 5 is full

            Thread stopper = new Thread(publisher::stop, "test-stopper");
            stopper.start();
            subscriber.awaitTopic("$EDC/acme/" + clientId + "/MQTT/DC", WAIT);
            relay.releaseReplies();
            stopper.join(WAIT.toMillis());
            assertFalse(stopper.isAlive(), "stop() returned");

            String marker = "$EDC/acme/" + clientId + "/test/marker";
            MqttClient other = new MqttClient(broker.url(), "marker-" + clientId, new MemoryPersistence());
            other.connect();
            other.publish(marker, new byte[] {1}, 1, false);
            other.disconnect();
            other.close();
            subscriber.awaitTopic(marker, WAIT);
            assertTrue(subscriber.matching(m -> m.topic().endsWith("/MQTT/LWT")).isEmpty(), "a clean disconnect, no will");
            // the five in flight were acknowledged while disconnecting; the rest waits for the next start
            UplinkHarness.awaitStatus(publisher, st -> st.pending() == 15 && st.published() == 5, WAIT);
        }
    }

    @Test
    void anUnreachableBrokerIsReportedAndRetried() throws Exception {
        int nobody = MosquittoBroker.freePort();
        CloudPublisher publisher = harness.publisher(UplinkHarness.config("tcp://127.0.0.1:" + nobody, clientId));
        publisher.start();
        CloudStatus status = UplinkHarness.awaitStatus(publisher, s -> !s.lastError().isEmpty(), WAIT);
        assertFalse(status.connected());
        assertTrue(status.lastError().contains("Connection refused"), status.lastError());
        long started = System.nanoTime();
        publisher.stop();
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3), "stopping does not wait out the back-off");
    }

    @Test
    void aRemovedCursorIsOpenedAfreshAndPublishingGoesOn() throws Exception {
        CloudPublisher publisher = harness.publisher(UplinkHarness.config(broker.url(), clientId));
        publisher.start();
        subscriber.awaitTopic(birthTopic(), WAIT);

        harness.outbox().removeCursor(CloudPublisher.CURSOR);

        subscriber.await(m -> m.topic().equals(birthTopic()), 2, WAIT); // reconnected with a new cursor
        UplinkHarness.awaitStatus(publisher, CloudStatus::connected, WAIT);
        long seq = harness.outbox().append(Outbox.PRIORITY_READING,
                TelemetryCodec.encode(Reading.good("boiler-1", "temp", 9, 30.0)));
        assertEquals(seq, subscriber.awaitTopic(readingTopic("boiler-1", "temp"), WAIT).seq());
    }

    @Test
    void aRecordThatIsNotTelemetryIsSkippedWithoutBlockingTheRest() throws Exception {
        harness.openCursor();
        harness.outbox().append(Outbox.PRIORITY_READING, new byte[] {9, 9, 9});
        long good = harness.outbox().append(Outbox.PRIORITY_READING,
                TelemetryCodec.encode(Reading.good("boiler-1", "temp", 9, 30.0)));
        CloudPublisher publisher = harness.publisher(UplinkHarness.config(broker.url(), clientId));
        publisher.start();
        assertEquals(good, subscriber.awaitTopic(readingTopic("boiler-1", "temp"), WAIT).seq());
        UplinkHarness.awaitStatus(publisher, s -> s.pending() == 0, WAIT);
        Set<String> topics = subscriber.all().stream().map(Message::topic).collect(Collectors.toSet());
        assertEquals(Set.of(birthTopic(), readingTopic("boiler-1", "temp")), topics);
    }
}
