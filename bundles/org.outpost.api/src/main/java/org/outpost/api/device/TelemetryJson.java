package org.outpost.api.device;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Readings as JSON-ready maps, the one shape the REST API and {@code -o json} output share. */
public final class TelemetryJson {

    private TelemetryJson() {
    }

    /**
     * {@code device, channel, timestamp, type, value, quality, reason}: numbers and booleans as JSON
     * numbers and booleans, byte arrays in base64, no value for BAD readings.
     */
    public static Map<String, Object> reading(Reading reading) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("device", reading.device());
        json.put("channel", reading.channel());
        json.put("timestamp", reading.timestamp());
        if (reading.type() != null) json.put("type", reading.type().name());
        if (reading.value() instanceof byte[] bytes) {
            json.put("value", Base64.getEncoder().encodeToString(bytes));
        } else if (reading.value() != null) {
            json.put("value", reading.value());
        }
        json.put("quality", reading.quality().name());
        if (!reading.reason().isEmpty()) json.put("reason", reading.reason());
        return json;
    }
}
