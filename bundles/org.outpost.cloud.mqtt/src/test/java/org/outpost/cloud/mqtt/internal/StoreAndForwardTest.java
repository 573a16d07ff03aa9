package org.outpost.cloud.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.device.CloudStatus;
import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.cloud.mqtt.internal.CloudSubscriber.Message;
import org.outpost.outbox.Outbox;

/**
 * The broker goes away while readings keep coming: they wait in the outbox (acknowledged only on
 * PUBACK) and all reach the broker once it is back, in order per channel.
 */
class StoreAndForwardTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CLIENT = "gw-saf";
    private static final List<String> CHANNELS = List.of("temp", "pressure", "flow");

    @TempDir
    Path brokerDir;
    @TempDir
    Path dir;
    MosquittoBroker broker;
    TcpRelay relay;
    UplinkHarness harness;
    final List<CloudSubscriber> subscribers = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        broker = MosquittoBroker.start(brokerDir);
        relay = new TcpRelay(broker.port());
        harness = new UplinkHarness(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
        for (CloudSubscriber subscriber : subscribers) subscriber.close();
        relay.close();
        broker.close();
    }

    private CloudSubscriber subscribe() throws Exception {
        CloudSubscriber subscriber = CloudSubscriber.connect(broker.url(), "acme/" + CLIENT + "/#", "$EDC/acme/" + CLIENT + "/#");
        subscribers.add(subscriber);
        return subscriber;
    }

    @Test
    void readingsAppendedWhileTheBrokerIsDownAllArriveAfterItReturns() throws Exception {
        CloudSubscriber before = subscribe();
        // the uplink reaches the broker through a relay, so the test can let it back in only once the
        // second subscriber listens on the restarted broker (which keeps no sessions)
        CloudPublisher publisher = harness.publisher(UplinkHarness.config(relay.url(), CLIENT));
        publisher.start();
        before.awaitTopic("$EDC/acme/" + CLIENT + "/MQTT/BIRTH", WAIT);

        Outbox outbox = harness.outbox();
        List<Long> appended = new ArrayList<>();
        append(outbox, appended, 300);
        UplinkHarness.awaitStatus(publisher, s -> s.published() == 300 && s.pending() == 0, WAIT);
        before.await(m -> m.topic().startsWith("acme/"), 300, WAIT);

        relay.pause();
        broker.kill();
        CloudStatus down = UplinkHarness.awaitStatus(publisher, s -> !s.connected() && !s.lastError().isEmpty(), WAIT);
        assertEquals(300, down.published());

        // readings keep coming while the broker is gone, across several failed reconnects (some
        // seconds: the back-off doubles from 1 s); nothing can be acknowledged meanwhile
        int bursts = 3;
        int whileDown = 500 * bursts;
        long failedBefore = publisher.failedConnects();
        for (int burst = 1; burst <= bursts; burst++) {
            append(outbox, appended, whileDown / bursts);
            CloudStatus status = publisher.status();
            assertFalse(status.connected());
            assertEquals(burst * (whileDown / bursts), status.pending(), "every reading since the outage is held");
            assertEquals(300, status.published());
            long failures = failedBefore + burst;
            UplinkHarness.await(publisher::failedConnects, n -> n >= failures, WAIT, "failed reconnects");
        }
        CloudStatus stillDown = publisher.status();
        assertFalse(stillDown.lastError().isEmpty(), "the status says why");
        assertEquals(whileDown, stillDown.pending());

        broker.restart();
        CloudSubscriber after = subscribe();
        relay.resume();

        CloudStatus back = UplinkHarness.awaitStatus(publisher, s -> s.connected() && s.pending() == 0, WAIT);
        assertEquals(300 + whileDown, back.published());
        assertEquals("", back.lastError());
        after.await(m -> m.topic().startsWith("acme/"), whileDown, WAIT);

        List<Message> received = new ArrayList<>(before.matching(m -> m.topic().startsWith("acme/")));
        received.addAll(after.matching(m -> m.topic().startsWith("acme/")));
        Map<String, List<Long>> seqsByChannel = new HashMap<>();
        Set<Long> seen = new HashSet<>();
        for (Message message : received) {
            long seq = message.seq();
            if (!seen.add(seq)) continue; // at-least-once: duplicates are allowed, dropped by seq
            String channel = message.topic().substring(message.topic().lastIndexOf('/') + 1);
            seqsByChannel.computeIfAbsent(channel, c -> new ArrayList<>()).add(seq);
        }
        assertEquals(new TreeSet<>(appended), new TreeSet<>(seen), "every reading arrived, none invented");
        assertEquals(Set.copyOf(CHANNELS), seqsByChannel.keySet());
        for (Map.Entry<String, List<Long>> channel : seqsByChannel.entrySet()) {
            List<Long> seqs = channel.getValue();
            for (int i = 1; i < seqs.size(); i++) {
                assertTrue(seqs.get(i - 1) < seqs.get(i), "order kept on " + channel.getKey() + " at " + i + ": " + seqs);
            }
        }
        List<Message> births = after.matching(m -> m.topic().endsWith("/MQTT/BIRTH"));
        assertEquals(1, births.size());
        assertTrue(after.all().get(0).topic().endsWith("/MQTT/BIRTH"), "BIRTH before the backlog");
    }

    @Test
    void whatTheBrokerNeverAcknowledgedSurvivesARestartOfUplinkAndOutbox() throws Exception {
        relay.pause(); // the broker is unreachable for the first run
        CloudPublisher first = harness.publisher(UplinkHarness.config(relay.url(), CLIENT));
        first.start();
        UplinkHarness.await(first::failedConnects, n -> n >= 1, WAIT, "failed connects"); // the cursor exists now
        List<Long> appended = new ArrayList<>();
        append(harness.outbox(), appended, 200);
        assertEquals(200, first.status().pending());

        harness.restart();
        relay.resume();
        CloudSubscriber subscriber = subscribe();
        CloudPublisher second = harness.publisher(UplinkHarness.config(relay.url(), CLIENT));
        second.start();

        List<Message> received = subscriber.await(m -> m.topic().startsWith("acme/"), 200, WAIT);
        assertEquals(appended, received.stream().map(Message::seq).toList(), "all of them, in order");
        UplinkHarness.awaitStatus(second, s -> s.pending() == 0 && s.published() == 200, WAIT);
    }

    private static void append(Outbox outbox, List<Long> appended, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            String channel = CHANNELS.get(appended.size() % CHANNELS.size());
            appended.add(outbox.append(Outbox.PRIORITY_READING,
                    TelemetryCodec.encode(Reading.good("line-1", channel, System.currentTimeMillis(), (double) appended.size()))));
        }
    }
}
