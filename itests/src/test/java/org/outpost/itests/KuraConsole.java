package org.outpost.itests;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload.KuraMetric;

import com.google.protobuf.ByteString;

/**
 * A Kapua-style console on the test's Mosquitto: sends requests with {@code mosquitto_pub}
 * (payloads built with the generated KuraPayload classes) and finds their replies in what
 * {@code mosquitto_sub} captured.
 */
final class KuraConsole {
    static final String CLIENT_ID = "console-1";

    private final Mosquitto broker;
    private final Path dir;
    private final String account;
    private final String gateway;

    KuraConsole(Mosquitto broker, Path dir, String account, String gateway) throws IOException {
        this.broker = broker;
        this.dir = dir;
        this.account = account;
        this.gateway = gateway;
        Files.createDirectories(dir);
    }

    /** Publishes {@code $EDC/<account>/<gateway>/<app>/<method>/<resources>} with request.id and requester.client.id. */
    void request(String appMethodResources, String requestId, Map<String, Object> metrics, String body)
            throws IOException, InterruptedException {
        KuraPayload.Builder payload = KuraPayload.newBuilder().setTimestamp(System.currentTimeMillis());
        payload.addMetric(string("request.id", requestId));
        payload.addMetric(string("requester.client.id", CLIENT_ID));
        for (Map.Entry<String, Object> metric : metrics.entrySet()) {
            if (metric.getValue() instanceof Long l) {
                payload.addMetric(KuraMetric.newBuilder().setName(metric.getKey()).setType(KuraMetric.ValueType.INT64).setLongValue(l));
            } else {
                payload.addMetric(string(metric.getKey(), String.valueOf(metric.getValue())));
            }
        }
        if (body != null) payload.setBody(ByteString.copyFromUtf8(body));
        Path file = dir.resolve(requestId + ".bin");
        Files.write(file, payload.build().toByteArray());
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(broker.port), "-q", "1",
                "-i", CLIENT_ID + "-" + requestId, "-t", "$EDC/" + account + "/" + gateway + "/" + appMethodResources, "-f", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!pub.waitFor(30, TimeUnit.SECONDS) || pub.exitValue() != 0) {
            throw new IOException("mosquitto_pub failed: " + output);
        }
    }

    /** The raw reply to a request, once it arrived. */
    byte[] reply(String application, String requestId, Duration timeout) throws InterruptedException {
        String topic = "$EDC/" + account + "/" + CLIENT_ID + "/" + application + "/REPLY/" + requestId;
        return await(topic, timeout).payload();
    }

    Mosquitto.Message await(String topic, Duration timeout) throws InterruptedException {
        Mosquitto.Message[] found = new Mosquitto.Message[1];
        OutpostProcesses.await(topic, timeout, () -> {
            found[0] = last(topic).orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    Optional<Mosquitto.Message> last(String topic) {
        try {
            List<Mosquitto.Message> messages = broker.messages();
            for (int i = messages.size() - 1; i >= 0; i--) {
                if (messages.get(i).topic().equals(topic)) return Optional.of(messages.get(i));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The body of a reply, read with the generated classes (after un-gzipping if needed). */
    static String body(byte[] payload) throws IOException {
        byte[] plain = payload;
        if (payload.length > 2 && (payload[0] & 0xff) == 0x1f && (payload[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(payload))) {
                plain = in.readAllBytes();
            }
        }
        return KuraPayload.parseFrom(plain).getBody().toStringUtf8();
    }

    private static KuraMetric string(String name, String value) {
        return KuraMetric.newBuilder().setName(name).setType(KuraMetric.ValueType.STRING).setStringValue(value).build();
    }
}
