package org.outpost.store.mvstore.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.outpost.api.KeyValue;
import org.outpost.api.WatchEvent;

/**
 * The byte layout of stored records. Keys of the key map are the keys themselves and keys of the
 * event log are revisions, so neither is repeated in the record for it except the event's key.
 *
 * <pre>
 * entry: createRevision(8) modRevision(8) version(8) value(rest)
 * event: type(1) createRevision(8) version(8) keyLength(4) key(UTF-8) value(rest)
 * </pre>
 */
final class Codec {

    static final int ENTRY_HEADER = 3 * Long.BYTES;
    static final int EVENT_HEADER = 1 + 2 * Long.BYTES + Integer.BYTES;
    static final byte PUT = 0;
    static final byte DELETE = 1;

    private Codec() {
    }

    static byte[] encodeEntry(KeyValue kv) {
        return ByteBuffer.allocate(ENTRY_HEADER + kv.value().length)
                .putLong(kv.createRevision())
                .putLong(kv.modRevision())
                .putLong(kv.version())
                .put(kv.value())
                .array();
    }

    static KeyValue decodeEntry(String key, byte[] record) {
        ByteBuffer in = ByteBuffer.wrap(record);
        long createRevision = in.getLong();
        long modRevision = in.getLong();
        long version = in.getLong();
        return new KeyValue(key, Arrays.copyOfRange(record, ENTRY_HEADER, record.length),
                createRevision, modRevision, version);
    }

    /** The revision is not stored: it is the event log's key. */
    static byte[] encodeEvent(WatchEvent event) {
        KeyValue kv = event.kv();
        byte[] key = kv.key().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(EVENT_HEADER + key.length + kv.value().length)
                .put(event.type() == WatchEvent.Type.PUT ? PUT : DELETE)
                .putLong(kv.createRevision())
                .putLong(kv.version())
                .putInt(key.length)
                .put(key)
                .put(kv.value())
                .array();
    }

    static WatchEvent decodeEvent(long revision, byte[] record) {
        ByteBuffer in = ByteBuffer.wrap(record);
        WatchEvent.Type type = in.get() == PUT ? WatchEvent.Type.PUT : WatchEvent.Type.DELETE;
        long createRevision = in.getLong();
        long version = in.getLong();
        int keyLength = in.getInt();
        String key = new String(record, EVENT_HEADER, keyLength, StandardCharsets.UTF_8);
        byte[] value = Arrays.copyOfRange(record, EVENT_HEADER + keyLength, record.length);
        return new WatchEvent(type, new KeyValue(key, value, createRevision, revision, version));
    }

    /** Reads only the key, so that replay can skip events outside a watch's prefix cheaply. */
    static boolean eventKeyStartsWith(byte[] record, byte[] prefix) {
        int keyLength = ByteBuffer.wrap(record, EVENT_HEADER - Integer.BYTES, Integer.BYTES).getInt();
        return keyLength >= prefix.length
                && Arrays.equals(record, EVENT_HEADER, EVENT_HEADER + prefix.length, prefix, 0, prefix.length);
    }
}
