package org.outpost.cloud.mqtt.internal;

import java.util.HashMap;
import java.util.Map;

import org.outpost.api.device.Alert;
import org.outpost.api.device.Quality;
import org.outpost.api.device.Reading;
import org.outpost.api.device.TelemetryCodec;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload;

/**
 * Turns outbox records (readings and alerts in {@link TelemetryCodec} form) into Kura data
 * messages. Every message carries the record's outbox sequence number as metric {@code seq}, so a
 * subscriber can drop the duplicates that at-least-once delivery brings after a reconnect.
 *
 * <p>Used by the publisher thread only (not thread-safe): it keeps the derived metric names of the
 * channels it has seen, so the hot path does not rebuild them per message.
 */
final class TelemetryMessages {

    static final String SEQ = "seq";
    static final String QUALITY = "quality";
    static final String TIMESTAMP_SUFFIX = "_timestamp";
    static final String ERROR_SUFFIX = "_error";

    /** More distinct channels than this and the name cache starts over (it only saves allocations). */
    private static final int MAX_CACHED_CHANNELS = 4096;

    private final KuraTopics topics;
    private final Map<String, ChannelNames> channelNames = new HashMap<>();

    TelemetryMessages(KuraTopics topics) {
        this.topics = topics;
    }

    private record ChannelNames(String timestamp, String error) {
    }

    private ChannelNames names(String channel) {
        ChannelNames names = channelNames.get(channel);
        if (names == null) {
            if (channelNames.size() >= MAX_CACHED_CHANNELS) channelNames.clear();
            names = new ChannelNames(channel + TIMESTAMP_SUFFIX, channel + ERROR_SUFFIX);
            channelNames.put(channel, names);
        }
        return names;
    }

    /**
     * @throws IllegalArgumentException when the record is not a reading or an alert
     */
    CloudMessage fromRecord(long seq, byte[] record) {
        Object decoded = TelemetryCodec.decode(record);
        if (decoded instanceof Reading reading) return reading(seq, reading);
        if (decoded instanceof Alert alert) return alert(seq, alert);
        throw new IllegalArgumentException("outbox record " + seq + " is neither a reading nor an alert");
    }

    /**
     * Topic {@code <account>/<client-id>/<app-id>/<device>/<channel>}; metrics {@code <channel>}
     * (typed value, or {@code <channel>_error} for a BAD reading), {@code <channel>_timestamp},
     * {@code quality} and {@code seq}.
     */
    CloudMessage reading(long seq, Reading reading) {
        String channel = reading.channel();
        ChannelNames names = names(channel);
        KuraPayload.Builder payload = KuraPayload.newBuilder().setTimestamp(reading.timestamp());
        if (reading.quality() == Quality.BAD || reading.value() == null) {
            String reason = reading.reason().isEmpty() ? "read failed" : reading.reason();
            payload.addMetric(KuraMetrics.string(names.error(), reason));
        } else {
            payload.addMetric(KuraMetrics.of(channel, reading.type(), reading.value()));
        }
        payload.addMetric(KuraMetrics.int64(names.timestamp(), reading.timestamp()))
                .addMetric(KuraMetrics.string(QUALITY, reading.quality().name()))
                .addMetric(KuraMetrics.int64(SEQ, seq));
        return new CloudMessage(topics.reading(reading.device(), channel), KuraPayloadCodec.encode(payload.build()));
    }

    /**
     * Topic {@code <account>/<client-id>/<app-id>/alerts/<rule>}; metrics {@code rule},
     * {@code device}, {@code channel}, {@code active}, {@code value}, {@code message}, {@code seq}.
     */
    CloudMessage alert(long seq, Alert alert) {
        KuraPayload payload = KuraPayload.newBuilder().setTimestamp(alert.timestamp())
                .addMetric(KuraMetrics.string("rule", alert.rule()))
                .addMetric(KuraMetrics.string("device", alert.device()))
                .addMetric(KuraMetrics.string("channel", alert.channel()))
                .addMetric(KuraMetrics.bool("active", alert.active()))
                .addMetric(KuraMetrics.float64("value", alert.value()))
                .addMetric(KuraMetrics.string("message", alert.message()))
                .addMetric(KuraMetrics.int64(SEQ, seq))
                .build();
        return new CloudMessage(topics.alert(alert.rule()), KuraPayloadCodec.encode(payload));
    }
}
