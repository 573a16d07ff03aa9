package org.outpost.api.kura;

import java.util.List;
import java.util.Map;

/**
 * A request from the cloud: the method ({@code GET}, {@code PUT}, {@code POST}, {@code DEL},
 * {@code EXEC}), the resource path after it, the request's metrics (String, Integer, Long, Double,
 * Float, Boolean or byte[] values) and body, and a way to publish notifications about it.
 */
public record CloudRequest(String method, List<String> resources, Map<String, Object> metrics, byte[] body,
        String requesterClientId, String requestId, CloudNotifier notifier) {

    public CloudRequest {
        resources = List.copyOf(resources);
        metrics = Map.copyOf(metrics);
        body = body == null ? new byte[0] : body;
    }

    /** The first resource, or {@code ""}. */
    public String resource() {
        return resources.isEmpty() ? "" : resources.get(0);
    }

    /** A metric as text, or null when absent. */
    public String metric(String name) {
        Object value = metrics.get(name);
        return value == null ? null : String.valueOf(value);
    }
}
