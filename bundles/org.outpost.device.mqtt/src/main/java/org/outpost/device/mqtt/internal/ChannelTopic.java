package org.outpost.device.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.outpost.api.device.Channel;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.Reading;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * A channel's subscription: the topic filter it listens to and where its value sits in a message.
 *
 * @param path null when the whole payload is the value
 */
record ChannelTopic(Channel channel, String filter, JsonPath path) {

    static final String TOPIC = "topic";
    static final String JSON_PATH = "json.path";
    static final String NO_MESSAGE_YET = "no message yet";

    private static final Set<String> KEYS = Set.of(TOPIC, JSON_PATH);
    /** A JSON number, the only text taken as a number when a payload has no path. */
    private static final Pattern NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

    /**
     * The channel's subscription; each problem is added to {@code problems} as one sentence naming
     * the key, and then the result is null.
     */
    static ChannelTopic of(Channel channel, List<String> problems) {
        int before = problems.size();
        String prefix = channel.name() + DeviceConfig.CHANNEL_SEPARATOR;
        for (String key : new TreeSet<>(channel.driverConfig().keySet())) {
            if (!KEYS.contains(key)) problems.add(prefix + key + ": unknown key for the mqtt driver (it takes topic, json.path)");
        }
        if (channel.mode().writable()) {
            problems.add(prefix + DeviceConfig.CH_TYPE + ": the mqtt driver only reads (READ), " + channel.mode() + " is not possible");
        }
        String filter = channel.driverConfig().get(TOPIC);
        if (filter == null) {
            problems.add(prefix + TOPIC + ": missing (an MQTT topic; wildcards + and # allowed)");
        } else {
            try {
                MqttTopic.validate(filter, true);
            } catch (IllegalArgumentException e) {
                problems.add(prefix + TOPIC + ": '" + filter + "' is not a topic filter (" + e.getMessage() + ")");
            }
        }
        JsonPath path = null;
        String pathText = channel.driverConfig().get(JSON_PATH);
        if (pathText != null) {
            try {
                path = JsonPath.parse(pathText);
            } catch (IllegalArgumentException e) {
                problems.add(prefix + JSON_PATH + ": " + e.getMessage() + " (e.g. $.a.b[0].c or a.b.0.c)");
            }
        }
        return problems.size() > before ? null : new ChannelTopic(channel, filter, path);
    }

    boolean matches(String topic) {
        return MqttTopic.isMatched(filter, topic);
    }

    /**
     * The reading a message gives this channel: GOOD with the value (number → Double, boolean →
     * Boolean, string → String, object or array → its JSON text), or BAD saying why not.
     */
    Reading decode(String device, String topic, byte[] payload, long timestamp, ObjectReader json) {
        String name = channel.name();
        if (payload.length == 0) return Reading.bad(device, name, timestamp, "empty message on " + topic);
        if (path == null) return Reading.good(device, name, timestamp, wholePayload(payload));
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (JsonProcessingException e) {
            return Reading.bad(device, name, timestamp, "message on " + topic + " is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            return Reading.bad(device, name, timestamp, "message on " + topic + " is not JSON: " + e.getMessage());
        }
        JsonNode node;
        try {
            node = path.select(root);
        } catch (IllegalArgumentException e) {
            return Reading.bad(device, name, timestamp, JSON_PATH + " " + path + ": " + e.getMessage() + " in the message on " + topic);
        }
        if (node.isNumber()) return Reading.good(device, name, timestamp, node.doubleValue());
        if (node.isBoolean()) return Reading.good(device, name, timestamp, node.booleanValue());
        if (node.isTextual()) return Reading.good(device, name, timestamp, node.textValue());
        if (node.isNull()) return Reading.bad(device, name, timestamp, JSON_PATH + " " + path + " is null in the message on " + topic);
        return Reading.good(device, name, timestamp, node.toString());
    }

    private static Object wholePayload(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        String trimmed = text.trim();
        if (NUMBER.matcher(trimmed).matches()) return Double.parseDouble(trimmed);
        return text;
    }
}
