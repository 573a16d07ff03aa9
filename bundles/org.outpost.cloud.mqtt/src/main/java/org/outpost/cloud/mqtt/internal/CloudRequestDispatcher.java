package org.outpost.cloud.mqtt.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.outpost.api.kura.CloudRequest;
import org.outpost.api.kura.CloudRequestHandler;
import org.outpost.api.kura.CloudResponse;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload.KuraMetric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Serves cloud requests with the {@link CloudRequestHandler} services there are: decodes the
 * KuraPayload, runs the handler on one worker thread (installs and configuration changes happen
 * one after another, and never on the MQTT callback thread), and publishes the reply with
 * Kura's {@code response.code} to {@code $EDC/<account>/<requester>/<app>/REPLY/<request.id>}.
 */
final class CloudRequestDispatcher implements ControlRequests {
    private static final Logger LOG = LoggerFactory.getLogger(CloudRequestDispatcher.class);
    static final String REQUEST_ID = "request.id";
    static final String REQUESTER_CLIENT_ID = "requester.client.id";
    static final String RESPONSE_CODE = "response.code";
    private static final int QUEUE = 64;

    private final Map<String, CloudRequestHandler> handlers = new ConcurrentSkipListMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService worker = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(QUEUE), runnable -> {
                Thread thread = new Thread(runnable, "outpost-cloud-requests");
                thread.setDaemon(true);
                return thread;
            });

    void add(CloudRequestHandler handler) {
        handlers.put(handler.application(), handler);
        changed();
    }

    void remove(CloudRequestHandler handler) {
        if (handlers.remove(handler.application(), handler)) changed();
    }

    void close() {
        worker.shutdownNow();
    }

    @Override
    public List<String> applications() {
        return List.copyOf(handlers.keySet());
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void forget(Runnable listener) {
        listeners.remove(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    @Override
    public void arrived(KuraTopics topics, String topic, byte[] payload, Replies replies) {
        String[] parts = topics.requestParts(topic);
        if (parts == null || parts[1].equals("REPLY") || parts[1].equals("NOTIFY")) return;
        String application = parts[0];
        KuraPayload request;
        try {
            request = KuraPayloadCodec.decode(payload);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            LOG.warn("Cloud request on {} is not a KuraPayload ({}); no reply possible", topic, e.getMessage());
            return;
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (KuraMetric metric : request.getMetricList()) metrics.put(metric.getName(), KuraMetrics.value(metric));
        Object requestId = metrics.get(REQUEST_ID);
        Object requester = metrics.get(REQUESTER_CLIENT_ID);
        if (requestId == null || requester == null) {
            LOG.warn("Cloud request on {} lacks {} or {}; no reply possible", topic, REQUEST_ID, REQUESTER_CLIENT_ID);
            return;
        }
        if (!KuraTopics.isLevel(String.valueOf(requester)) || !KuraTopics.isLevel(String.valueOf(requestId))) {
            // they become levels of the reply topic: '/' would address another topic, '+' or '#' no topic at all
            LOG.warn("Cloud request on {}: {} or {} is empty or holds '/', '+' or '#'; no reply possible", topic,
                    REQUESTER_CLIENT_ID, REQUEST_ID);
            return;
        }
        String replyTopic = topics.reply(String.valueOf(requester), application, String.valueOf(requestId));
        CloudRequest call = new CloudRequest(parts[1], Arrays.asList(parts).subList(2, parts.length), metrics,
                request.getBody().toByteArray(), String.valueOf(requester), String.valueOf(requestId),
                (resource, notification) -> replies.publish(topics.notification(String.valueOf(requester), application, resource),
                        encode(notification, null, new byte[0])));
        try {
            worker.execute(() -> replies.publish(replyTopic, reply(application, call)));
        } catch (RejectedExecutionException e) {
            replies.publish(replyTopic, reply(CloudResponse.error(CloudResponse.ERROR, "the gateway is busy: too many requests waiting")));
        }
    }

    private byte[] reply(String application, CloudRequest call) {
        CloudRequestHandler handler = handlers.get(application);
        CloudResponse response;
        if (handler == null) {
            response = CloudResponse.error(CloudResponse.NOT_FOUND, "no application " + application + " on this gateway");
        } else {
            try {
                response = handler.handle(call);
            } catch (RuntimeException e) {
                LOG.warn("{} {}/{} failed", application, call.method(), String.join("/", call.resources()), e);
                response = CloudResponse.error(CloudResponse.ERROR, "internal error: " + e);
            }
        }
        LOG.info("Cloud request {} {}/{} from {}: {}", application, call.method(), String.join("/", call.resources()),
                call.requesterClientId(), response.code());
        return reply(response);
    }

    private static byte[] reply(CloudResponse response) {
        return encode(response.metrics(), response.code(), response.body());
    }

    private static byte[] encode(Map<String, Object> metrics, Integer responseCode, byte[] body) {
        KuraPayload.Builder payload = KuraPayload.newBuilder().setTimestamp(System.currentTimeMillis());
        if (responseCode != null) payload.addMetric(KuraMetrics.int32(RESPONSE_CODE, responseCode));
        for (Map.Entry<String, Object> metric : metrics.entrySet()) {
            payload.addMetric(metric(metric.getKey(), metric.getValue()));
        }
        if (body.length > 0) payload.setBody(ByteString.copyFrom(body));
        return KuraPayloadCodec.encode(payload.build());
    }

    private static KuraMetric metric(String name, Object value) {
        if (value instanceof Integer i) return KuraMetrics.int32(name, i);
        if (value instanceof Long l) return KuraMetrics.int64(name, l);
        if (value instanceof Double d) return KuraMetrics.float64(name, d);
        if (value instanceof Float f) return KuraMetrics.float32(name, f);
        if (value instanceof Boolean b) return KuraMetrics.bool(name, b);
        if (value instanceof byte[] bytes) return KuraMetrics.bytes(name, bytes);
        return KuraMetrics.string(name, String.valueOf(value));
    }
}
