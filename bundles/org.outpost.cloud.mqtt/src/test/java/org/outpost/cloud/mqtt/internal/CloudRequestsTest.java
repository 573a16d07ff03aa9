package org.outpost.cloud.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.kura.CloudRequest;
import org.outpost.api.kura.CloudRequestHandler;
import org.outpost.api.kura.CloudResponse;
import org.outpost.cloud.mqtt.internal.CloudSubscriber.Message;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload;

import com.google.protobuf.ByteString;

/**
 * Cloud requests in Kura's namespace against a real Mosquitto: a console-like client publishes a
 * request, the uplink runs the handler and the reply arrives on the requester's REPLY topic.
 */
class CloudRequestsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CLIENT = "gw-requests";

    @TempDir
    static Path brokerDir;
    static MosquittoBroker broker;

    @TempDir
    Path dir;
    UplinkHarness harness;
    CloudSubscriber console;
    MqttClient requester;
    CloudRequestDispatcher dispatcher;
    CloudPublisher running;
    final List<CloudRequest> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        broker = MosquittoBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) broker.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = new UplinkHarness(dir);
        dispatcher = new CloudRequestDispatcher();
        dispatcher.add(handler("ECHO-V1", request -> {
            seen.add(request);
            if (request.resource().equals("fail")) throw new IllegalStateException("boom");
            if (!request.method().equals("GET")) return CloudResponse.error(CloudResponse.NOT_FOUND, "no such resource");
            request.notifier().notify("echo", Map.of("job.id", 7L));
            return CloudResponse.ok(Map.of("resources", String.join("/", request.resources())),
                    ("hello " + request.metric("name")).getBytes(StandardCharsets.UTF_8));
        }));
        console = CloudSubscriber.connect(broker.url(), "$EDC/acme/console/#", "$EDC/acme/" + CLIENT + "/MQTT/#");
        requester = new MqttClient(broker.url(), "console-publisher", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        requester.connect(options);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (running != null) running.stop();
        harness.close();
        dispatcher.close();
        console.close();
        if (requester.isConnected()) requester.disconnect();
        requester.close();
    }

    @Test
    void aRequestIsAnsweredOnTheRequestersReplyTopicWithItsCodeMetricsAndBody() throws Exception {
        CloudPublisher publisher = start();
        Message birth = console.awaitTopic("$EDC/acme/" + CLIENT + "/MQTT/BIRTH", WAIT);
        assertEquals("outpost,ECHO-V1", birth.metric("application_ids").getStringValue());

        Message reply = ask(publisher, "ECHO-V1/GET/a/b", "r1", Map.of("name", "kura"));
        assertEquals(200, reply.metric("response.code").getIntValue());
        assertEquals("a/b", reply.metric("resources").getStringValue());
        assertEquals("hello kura", reply.kura().getBody().toStringUtf8());
        CloudRequest request = seen.get(0);
        assertEquals("GET", request.method());
        assertEquals(List.of("a", "b"), request.resources());
        assertEquals("console", request.requesterClientId());
        Message notified = console.awaitTopic("$EDC/acme/console/ECHO-V1/NOTIFY/" + CLIENT + "/echo", WAIT);
        assertEquals(7L, notified.metric("job.id").getLongValue());

        assertEquals(404, ask(publisher, "ECHO-V1/PUT/a", "r2", Map.of()).metric("response.code").getIntValue());
        Message failed = ask(publisher, "ECHO-V1/GET/fail", "r3", Map.of());
        assertEquals(500, failed.metric("response.code").getIntValue());
        assertTrue(failed.metric("response.exception.message").getStringValue().contains("boom"));
    }

    @Test
    void requestsWhoseIdsWouldLeaveTheReplyTopicAreNotAnsweredAndDoNotHarmTheUplink() throws Exception {
        CloudPublisher publisher = start();
        ask(publisher, "ECHO-V1/GET/x", "ok1", Map.of());

        // '/' would address another topic under the account; '+' and '#' make no topic at all
        for (String[] ids : List.of(new String[] { "console/evil", "e1" }, new String[] { "console", "e/2" },
                new String[] { "console", "e+3" }, new String[] { "cons#ole", "e4" })) {
            KuraPayload request = KuraPayload.newBuilder().setTimestamp(System.currentTimeMillis())
                    .addMetric(KuraMetrics.string("requester.client.id", ids[0]))
                    .addMetric(KuraMetrics.string("request.id", ids[1])).build();
            requester.publish("$EDC/acme/" + CLIENT + "/ECHO-V1/GET/x", request.toByteArray(), 1, false);
        }

        // one publisher, QoS 1: the refused requests arrived before this one
        assertEquals(200, ask(publisher, "ECHO-V1/GET/y", "ok2", Map.of()).metric("response.code").getIntValue());
        assertTrue(seen.stream().allMatch(r -> r.requestId().startsWith("ok")), "only well-formed requests reach the handler");
        assertEquals(List.of(), console.matching(m -> m.topic().contains("evil") || m.topic().contains("/REPLY/e")));
        assertTrue(publisher.status().connected());
    }

    @Test
    void applicationsThatComeAndGoAreSubscribedAndAnnouncedInMqttApps() throws Exception {
        CloudPublisher publisher = start();
        console.awaitTopic("$EDC/acme/" + CLIENT + "/MQTT/BIRTH", WAIT);
        CloudRequestHandler late = handler("LATE-V1", request -> CloudResponse.ok("late"));
        dispatcher.add(late);
        Message apps = UplinkHarness.await(() -> console.matching(m -> m.topic().endsWith("/MQTT/APPS")), list -> !list.isEmpty(),
                WAIT, "MQTT/APPS").get(0);
        assertEquals("outpost,ECHO-V1,LATE-V1", apps.metric("application_ids").getStringValue());
        assertEquals("late", ask(publisher, "LATE-V1/GET/x", "l1", Map.of()).kura().getBody().toStringUtf8());

        dispatcher.remove(late);
        UplinkHarness.await(() -> console.matching(m -> m.topic().endsWith("/MQTT/APPS")), list -> list.size() == 2, WAIT,
                "a second MQTT/APPS");
        Message last = console.matching(m -> m.topic().endsWith("/MQTT/APPS")).get(1);
        assertEquals("outpost,ECHO-V1", last.metric("application_ids").getStringValue());
    }

    private CloudPublisher start() throws InterruptedException {
        CloudPublisher publisher = new CloudPublisher(UplinkHarness.config(broker.url(), CLIENT), harness.outbox(),
                TestNode.gateway().facts(), dispatcher);
        running = publisher;
        publisher.start();
        UplinkHarness.awaitStatus(publisher, status -> status.connected(), WAIT);
        return publisher;
    }

    /** Publishes a request until its reply comes: the uplink subscribes just after its BIRTH. */
    private Message ask(CloudPublisher publisher, String appMethodResources, String requestId, Map<String, String> metrics)
            throws Exception {
        KuraPayload.Builder payload = KuraPayload.newBuilder().setTimestamp(System.currentTimeMillis())
                .addMetric(KuraMetrics.string("request.id", requestId))
                .addMetric(KuraMetrics.string("requester.client.id", "console"))
                .setBody(ByteString.EMPTY);
        metrics.forEach((name, value) -> payload.addMetric(KuraMetrics.string(name, value)));
        String replyTopic = "$EDC/acme/console/" + appMethodResources.substring(0, appMethodResources.indexOf('/')) + "/REPLY/" + requestId;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            requester.publish("$EDC/acme/" + CLIENT + "/" + appMethodResources, payload.build().toByteArray(), 1, false);
            List<Message> replies = console.matching(m -> m.topic().equals(replyTopic));
            for (int i = 0; i < 20 && replies.isEmpty(); i++) {
                Thread.sleep(50);
                replies = console.matching(m -> m.topic().equals(replyTopic));
            }
            if (!replies.isEmpty()) return replies.get(0);
        }
        throw new AssertionError("no reply on " + replyTopic);
    }

    private static CloudRequestHandler handler(String application, java.util.function.Function<CloudRequest, CloudResponse> body) {
        return new CloudRequestHandler() {
            @Override
            public String application() {
                return application;
            }

            @Override
            public CloudResponse handle(CloudRequest request) {
                return body.apply(request);
            }
        };
    }
}
