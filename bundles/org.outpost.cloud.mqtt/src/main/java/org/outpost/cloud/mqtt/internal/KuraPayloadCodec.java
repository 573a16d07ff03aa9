package org.outpost.cloud.mqtt.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import org.outpost.cloud.mqtt.internal.proto.KuraPayloadProto.KuraPayload;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * KuraPayload on the wire: protobuf, gzip-compressed when that makes it smaller. Receivers (Kapua,
 * Kura) tell the two apart by the gzip magic bytes {@code 1f 8b}, which a KuraPayload never starts
 * with (its first byte is a field tag: 0x08 for timestamp, 0x12 position, 0xc2 metric).
 */
final class KuraPayloadCodec {

    /**
     * Below this size gzip's 18 bytes of header and trailer outweigh what deflate saves, so small
     * payloads (nearly every reading) skip the attempt.
     */
    static final int GZIP_WORTH_TRYING = 256;
    /** A compressed payload may not inflate beyond this (a gzip bomb from a broker stays harmless). */
    static final int MAX_INFLATED = 16 << 20;

    private KuraPayloadCodec() {
    }

    static byte[] encode(KuraPayload payload) {
        byte[] plain = payload.toByteArray();
        if (plain.length < GZIP_WORTH_TRYING) return plain;
        byte[] packed = gzip(plain);
        return packed.length < plain.length ? packed : plain;
    }

    static boolean compressed(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    /**
     * @throws InvalidProtocolBufferException when the bytes are not a KuraPayload (or bad gzip)
     */
    static KuraPayload decode(byte[] bytes) throws InvalidProtocolBufferException {
        if (!compressed(bytes)) return KuraPayload.parseFrom(bytes);
        try {
            return KuraPayload.parseFrom(gunzip(bytes));
        } catch (IOException e) {
            if (e instanceof InvalidProtocolBufferException invalid) throw invalid;
            throw new InvalidProtocolBufferException("bad gzip payload: " + e.getMessage());
        }
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 2 + 32);
        try (GZIPOutputStream zip = new GZIPOutputStream(out, 4096)) {
            zip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory streams do not fail
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] packed) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(packed), 4096)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(packed.length * 4);
            byte[] buffer = new byte[8192];
            int total = 0;
            for (int n; (n = in.read(buffer)) > 0;) {
                total += n;
                if (total > MAX_INFLATED) throw new IOException("inflates beyond " + MAX_INFLATED + " bytes");
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }
}
