package org.outpost.cloud.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Alert;
import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload.KuraMetric;

class TelemetryMessagesTest {

    private final TelemetryMessages messages = new TelemetryMessages(new KuraTopics("acme", "gw-1", "outpost"));

    @Test
    void readingRecordBecomesAChannelMessage() throws Exception {
        CloudMessage message = messages.fromRecord(77, TelemetryCodec.encode(Reading.good("boiler-1", "temp", 1_000, 21.5)));
        assertEquals("acme/gw-1/outpost/boiler-1/temp", message.topic());
        KuraPayload payload = KuraPayloadCodec.decode(message.payload());
        assertEquals(1_000, payload.getTimestamp());
        assertEquals(List.of("temp", "temp_timestamp", "quality", "seq"),
                payload.getMetricList().stream().map(KuraMetric::getName).toList());
        assertEquals(KuraMetric.ValueType.DOUBLE, payload.getMetric(0).getType());
        assertEquals(21.5, payload.getMetric(0).getDoubleValue());
        assertEquals(77, payload.getMetric(3).getLongValue());
    }

    @Test
    void alertRecordBecomesAnAlertMessage() throws Exception {
        CloudMessage message = messages.fromRecord(3,
                TelemetryCodec.encode(new Alert("too/hot#1", "boiler-1", "temp", 9, false, 70.0, "")));
        assertEquals("acme/gw-1/outpost/alerts/too_hot_1", message.topic(), "rule names cannot split or wildcard the topic");
        KuraPayload payload = KuraPayloadCodec.decode(message.payload());
        assertEquals("too/hot#1", payload.getMetric(0).getStringValue());
        assertEquals(List.of("rule", "device", "channel", "active", "value", "message", "seq"),
                payload.getMetricList().stream().map(KuraMetric::getName).toList());
    }

    @Test
    void otherBytesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> messages.fromRecord(1, new byte[] {1, 9}));
        assertThrows(IllegalArgumentException.class, () -> messages.fromRecord(1, new byte[0]));
    }

    @Test
    void topicsFollowKurasLayout() {
        KuraTopics topics = new KuraTopics("acme", "gw-1", "outpost");
        assertEquals("$EDC/acme/gw-1/MQTT/BIRTH", topics.birth());
        assertEquals("$EDC/acme/gw-1/MQTT/DC", topics.disconnect());
        assertEquals("$EDC/acme/gw-1/MQTT/LWT", topics.lastWill());
        assertEquals("$EDC/acme/gw-1/DEPLOY-V2/#", topics.requests("DEPLOY-V2"));
        assertEquals("$EDC/acme/console-7/DEPLOY-V2/REPLY/r-1", topics.reply("console-7", "DEPLOY-V2", "r-1"));
        assertEquals("_", KuraTopics.level(""));
    }
}
