package org.outpost.cloud.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload;
import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload.KuraPosition;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

class KuraPayloadCodecTest {

    @Test
    void smallPayloadsStayPlainAndRoundTrip() throws Exception {
        KuraPayload payload = KuraPayload.newBuilder().setTimestamp(42).addMetric(KuraMetrics.float64("temp", 21.5))
                .setPosition(KuraPosition.newBuilder().setLatitude(46.1).setLongitude(7.2).setSatellites(9).setStatus(4))
                .setBody(ByteString.copyFromUtf8("hi")).build();
        byte[] bytes = KuraPayloadCodec.encode(payload);
        assertFalse(KuraPayloadCodec.compressed(bytes));
        assertArrayEquals(payload.toByteArray(), bytes);
        assertEquals(payload, KuraPayloadCodec.decode(bytes));
    }

    @Test
    void wireLayoutIsKurasFieldNumbers() {
        byte[] bytes = KuraPayload.newBuilder().setTimestamp(1).addMetric(KuraMetrics.int32("a", 3)).build().toByteArray();
        // timestamp: field 1 varint (0x08); metric: field 5000 length-delimited (tag 40002 = c2 b8 02)
        assertArrayEquals(new byte[] {0x08, 0x01, (byte) 0xc2, (byte) 0xb8, 0x02, 0x07, 0x0a, 0x01, 'a', 0x10, 0x03, 0x30, 0x03},
                bytes);
    }

    @Test
    void largeCompressiblePayloadsAreGzippedAndDecoded() throws Exception {
        KuraPayload payload = KuraPayload.newBuilder().addMetric(KuraMetrics.string("log", "all good. ".repeat(100))).build();
        byte[] bytes = KuraPayloadCodec.encode(payload);
        assertTrue(KuraPayloadCodec.compressed(bytes));
        assertTrue(bytes.length < payload.getSerializedSize() / 5, bytes.length + " bytes");
        assertEquals(payload, KuraPayloadCodec.decode(bytes));
    }

    @Test
    void incompressiblePayloadsStayPlainEvenWhenLarge() throws Exception {
        byte[] noise = new byte[2048];
        new java.util.Random(7).nextBytes(noise);
        KuraPayload payload = KuraPayload.newBuilder().addMetric(KuraMetrics.bytes("raw", noise)).build();
        byte[] bytes = KuraPayloadCodec.encode(payload);
        assertFalse(KuraPayloadCodec.compressed(bytes), "gzip would only make it larger");
        assertEquals(payload, KuraPayloadCodec.decode(bytes));
    }

    @Test
    void decodesWhatOtherKuraSendersCompressed() throws Exception {
        KuraPayload payload = KuraPayload.newBuilder().setTimestamp(5).addMetric(KuraMetrics.bool("on", true)).build();
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(packed)) {
            zip.write(payload.toByteArray());
        }
        assertEquals(payload, KuraPayloadCodec.decode(packed.toByteArray()), "small, yet gzipped by its sender");
    }

    @Test
    void garbageIsRejectedClearly() {
        assertThrows(InvalidProtocolBufferException.class, () -> KuraPayloadCodec.decode(new byte[] {0x1f, (byte) 0x8b, 1, 2}));
        assertThrows(InvalidProtocolBufferException.class, () -> KuraPayloadCodec.decode(new byte[] {(byte) 0xff, 0x01}));
    }
}
