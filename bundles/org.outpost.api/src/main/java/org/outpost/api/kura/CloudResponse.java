package org.outpost.api.kura;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reply to a cloud request: Kura's {@code response.code} (200, 400, 404, 500), more metrics,
 * and a body. Errors carry {@code response.exception.message}.
 */
public record CloudResponse(int code, Map<String, Object> metrics, byte[] body) {
    public static final int OK = 200;
    public static final int BAD_REQUEST = 400;
    public static final int NOT_FOUND = 404;
    public static final int ERROR = 500;
    public static final String EXCEPTION_MESSAGE = "response.exception.message";

    public CloudResponse {
        metrics = Map.copyOf(metrics);
        body = body == null ? new byte[0] : body;
    }

    public static CloudResponse ok(Map<String, Object> metrics, byte[] body) {
        return new CloudResponse(OK, metrics, body);
    }

    public static CloudResponse ok(String body) {
        return new CloudResponse(OK, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    public static CloudResponse error(int code, String message) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put(EXCEPTION_MESSAGE, message == null ? "" : message);
        return new CloudResponse(code, metrics, new byte[0]);
    }
}
