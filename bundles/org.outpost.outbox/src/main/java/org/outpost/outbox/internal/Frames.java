package org.outpost.outbox.internal;

/**
 * The on-disk layout of segment files (format version 1, big-endian).
 *
 * <pre>
 * segment  := header frame*
 * header   := magic "OPOB" (4 bytes), format version (int = 1)
 * frame    := length (int), crc (int), body
 * body     := seq (long), priority (byte), appendedAt (long, ms since the epoch), payload
 * length   := the body's size in bytes (17 + payload size)
 * crc      := CRC32C of the body
 * </pre>
 *
 * A segment is named after the sequence number its first record was given, zero-padded to 20
 * digits ({@code normal/00000000000000000001.seg}); urgent and normal records live in separate
 * directories. Records in a segment have strictly increasing sequence numbers.
 */
final class Frames {

    static final int MAGIC = 0x4F504F42; // "OPOB"
    static final int FORMAT_VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 8;
    /** length + crc. */
    static final int FRAME_HEADER_BYTES = 8;
    /** seq + priority + appendedAt. */
    static final int BODY_FIXED_BYTES = 17;
    static final int MAX_PAYLOAD_BYTES = 16 << 20;
    static final int MAX_BODY_BYTES = BODY_FIXED_BYTES + MAX_PAYLOAD_BYTES;
    static final int MIN_PRIORITY = 0;
    static final int MAX_PRIORITY = 9;
    static final String SEGMENT_SUFFIX = ".seg";

    private Frames() {
    }

    static int frameBytes(int payloadLength) {
        return FRAME_HEADER_BYTES + BODY_FIXED_BYTES + payloadLength;
    }

    static boolean isPlausibleBodyLength(int length) {
        return length >= BODY_FIXED_BYTES && length <= MAX_BODY_BYTES;
    }

    static String segmentFileName(long firstSeq) {
        return String.format("%020d%s", firstSeq, SEGMENT_SUFFIX);
    }

    /** The first sequence number a segment file name stands for, or -1 when it is not a segment's name. */
    static long parseSegmentFileName(String fileName) {
        if (!fileName.endsWith(SEGMENT_SUFFIX)) return -1;
        String digits = fileName.substring(0, fileName.length() - SEGMENT_SUFFIX.length());
        if (digits.isEmpty() || digits.length() > 20) return -1;
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i))) return -1;
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static void putLong(byte[] target, int offset, long value) {
        for (int i = 7; i >= 0; i--) {
            target[offset + i] = (byte) value;
            value >>>= 8;
        }
    }

    static long getLong(byte[] source, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (source[offset + i] & 0xFF);
        }
        return value;
    }

    static int getInt(byte[] source, int offset) {
        return ((source[offset] & 0xFF) << 24) | ((source[offset + 1] & 0xFF) << 16)
                | ((source[offset + 2] & 0xFF) << 8) | (source[offset + 3] & 0xFF);
    }
}
