package org.outpost.cloud.mqtt.internal;

import org.outpost.api.device.ValueType;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload.KuraMetric;

import com.google.protobuf.ByteString;

/** Typed KuraMetrics, one factory per wire type, and the mapping from a channel's value type. */
final class KuraMetrics {

    private KuraMetrics() {
    }

    static KuraMetric string(String name, String value) {
        return KuraMetric.newBuilder().setName(name).setType(KuraMetric.ValueType.STRING).setStringValue(value).build();
    }

    static KuraMetric int64(String name, long value) {
        return KuraMetric.newBuilder().setName(name).setType(KuraMetric.ValueType.INT64).setLongValue(value).build();
    }

    static KuraMetric int32(String name, int value) {
        return KuraMetric.newBuilder().setName(name).setType(KuraMetric.ValueType.INT32).setIntValue(value).build();
    }

    static KuraMetric float32(String name, float value) {
        return KuraMetric.newBuilder().setName(name).setType(KuraMetric.ValueType.FLOAT).setFloatValue(value).build();
    }

    static KuraMetric float64(String name, double value) {
        return KuraMetric.newBuilder().setName(name).setType(KuraMetric.ValueType.DOUBLE).setDoubleValue(value).build();
    }

    static KuraMetric bool(String name, boolean value) {
        return KuraMetric.newBuilder().setName(name).setType(KuraMetric.ValueType.BOOL).setBoolValue(value).build();
    }

    static KuraMetric bytes(String name, byte[] value) {
        return KuraMetric.newBuilder().setName(name).setType(KuraMetric.ValueType.BYTES)
                .setBytesValue(ByteString.copyFrom(value)).build();
    }

    /** A channel value as the metric type Kura uses for it (LONG is INT64, INTEGER is INT32, ...). */
    static KuraMetric of(String name, ValueType type, Object value) {
        return switch (type) {
            case BOOLEAN -> bool(name, (Boolean) value);
            case INTEGER -> int32(name, ((Number) value).intValue());
            case LONG -> int64(name, ((Number) value).longValue());
            case FLOAT -> float32(name, ((Number) value).floatValue());
            case DOUBLE -> float64(name, ((Number) value).doubleValue());
            case STRING -> string(name, (String) value);
            case BYTE_ARRAY -> bytes(name, (byte[]) value);
        };
    }

    /** The metric's value as the Java type a channel of that type holds. */
    static Object value(KuraMetric metric) {
        return switch (metric.getType()) {
            case DOUBLE -> metric.getDoubleValue();
            case FLOAT -> metric.getFloatValue();
            case INT64 -> metric.getLongValue();
            case INT32 -> metric.getIntValue();
            case BOOL -> metric.getBoolValue();
            case STRING -> metric.getStringValue();
            case BYTES -> metric.getBytesValue().toByteArray();
        };
    }
}
