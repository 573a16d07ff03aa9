package org.outpost.cloud.mqtt.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload.KuraMetric;

import com.google.protobuf.InvalidProtocolBufferException;

/** An independent MQTT client that records every message on its filters, in arrival order. */
final class CloudSubscriber implements AutoCloseable {

    /** One message as the subscriber got it. */
    record Message(String topic, byte[] payload, long receivedNanos) {

        KuraPayload kura() {
            try {
                return KuraPayloadCodec.decode(payload);
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("not a KuraPayload on " + topic + ": " + e.getMessage(), e);
            }
        }

        Map<String, KuraMetric> metrics() {
            Map<String, KuraMetric> metrics = new LinkedHashMap<>();
            for (KuraMetric metric : kura().getMetricList()) metrics.put(metric.getName(), metric);
            return metrics;
        }

        KuraMetric metric(String name) {
            KuraMetric metric = metrics().get(name);
            if (metric == null) throw new AssertionError("no metric " + name + " on " + topic + ": " + metrics().keySet());
            return metric;
        }

        long seq() {
            return metric(TelemetryMessages.SEQ).getLongValue();
        }
    }

    private final MqttClient client;
    private final List<Message> messages = new ArrayList<>();

    private CloudSubscriber(MqttClient client) {
        this.client = client;
    }

    /** Connects and subscribes with QoS 1 (so the broker drops nothing on the way to the test). */
    static CloudSubscriber connect(String brokerUrl, String... filters) throws MqttException {
        MqttClient client = new MqttClient(brokerUrl, "test-subscriber-" + System.nanoTime(), new MemoryPersistence());
        CloudSubscriber subscriber = new CloudSubscriber(client);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                subscriber.add(new Message(topic, message.getPayload(), System.nanoTime()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        client.connect(options);
        int[] qos = new int[filters.length];
        java.util.Arrays.fill(qos, 1);
        client.subscribe(filters, qos);
        return subscriber;
    }

    private synchronized void add(Message message) {
        messages.add(message);
        notifyAll();
    }

    synchronized List<Message> all() {
        return List.copyOf(messages);
    }

    synchronized List<Message> matching(Predicate<Message> filter) {
        return messages.stream().filter(filter).toList();
    }

    /** Waits until at least {@code count} messages match; fails listing what arrived otherwise. */
    synchronized List<Message> await(Predicate<Message> filter, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Message> found = messages.stream().filter(filter).toList();
            if (found.size() >= count) return found;
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("expected " + count + " matching messages within " + timeout + ", got " + found.size() + " of "
                        + messages.size() + " (topics: " + messages.stream().map(Message::topic).distinct().limit(20).toList() + ")");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    Message awaitTopic(String topic, Duration timeout) throws InterruptedException {
        return await(m -> m.topic().equals(topic), 1, timeout).get(0);
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) client.disconnect(500);
            client.close();
        } catch (MqttException e) {
            // the broker may already be gone
        }
    }
}
