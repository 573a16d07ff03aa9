package org.outpost.api.device;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The binary form of readings and alerts in the outbox (compact, versioned, no third-party
 * format): a version byte, a kind byte, then the fields. Every consumer of the outbox decodes
 * with this class.
 */
public final class TelemetryCodec {

    private static final int VERSION = 1;
    private static final int KIND_READING = 1;
    private static final int KIND_ALERT = 2;

    private TelemetryCodec() {
    }

    public static byte[] encode(Reading reading) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(48 + reading.device().length() + reading.channel().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(KIND_READING);
            out.writeUTF(reading.device());
            out.writeUTF(reading.channel());
            out.writeLong(reading.timestamp());
            out.writeByte(reading.quality().ordinal());
            out.writeUTF(reading.reason());
            ValueType type = reading.type();
            out.writeByte(type == null ? -1 : type.ordinal());
            if (type != null) writeValue(out, type, reading.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] encode(Alert alert) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(KIND_ALERT);
            out.writeUTF(alert.rule());
            out.writeUTF(alert.device());
            out.writeUTF(alert.channel());
            out.writeLong(alert.timestamp());
            out.writeBoolean(alert.active());
            out.writeDouble(alert.value());
            out.writeUTF(alert.message());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A {@link Reading} or an {@link Alert}.
     *
     * @throws IllegalArgumentException for bytes this codec did not write
     */
    public static Object decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) throw new IllegalArgumentException("unknown telemetry record version " + version);
            int kind = in.readUnsignedByte();
            if (kind == KIND_READING) {
                String device = in.readUTF();
                String channel = in.readUTF();
                long timestamp = in.readLong();
                Quality quality = Quality.values()[in.readUnsignedByte()];
                String reason = in.readUTF();
                int typeIndex = in.readByte();
                ValueType type = typeIndex < 0 ? null : ValueType.values()[typeIndex];
                Object value = type == null ? null : readValue(in, type);
                return new Reading(device, channel, timestamp, type, value, quality, reason);
            }
            if (kind == KIND_ALERT) {
                return new Alert(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), in.readBoolean(),
                        in.readDouble(), in.readUTF());
            }
            throw new IllegalArgumentException("unknown telemetry record kind " + kind);
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not a telemetry record: " + e.getMessage(), e);
        }
    }

    private static void writeValue(DataOutputStream out, ValueType type, Object value) throws IOException {
        switch (type) {
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case INTEGER -> out.writeInt(((Number) value).intValue());
            case LONG -> out.writeLong(((Number) value).longValue());
            case FLOAT -> out.writeFloat(((Number) value).floatValue());
            case DOUBLE -> out.writeDouble(((Number) value).doubleValue());
            case STRING -> out.writeUTF((String) value);
            case BYTE_ARRAY -> {
                byte[] bytes = (byte[]) value;
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }
    }

    private static Object readValue(DataInputStream in, ValueType type) throws IOException {
        return switch (type) {
            case BOOLEAN -> in.readBoolean();
            case INTEGER -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> in.readFloat();
            case DOUBLE -> in.readDouble();
            case STRING -> in.readUTF();
            case BYTE_ARRAY -> {
                int length = in.readInt();
                if (length < 0 || length > 1 << 24) throw new IOException("bad length " + length);
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                yield bytes;
            }
        };
    }
}
