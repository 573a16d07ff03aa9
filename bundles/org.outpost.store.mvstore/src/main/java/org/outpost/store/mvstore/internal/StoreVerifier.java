package org.outpost.store.mvstore.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Reads every record of a store and checks that the three maps agree, so that a damaged file is
 * refused at open instead of failing later, one read at a time. MVStore checks page positions but
 * not page contents; these checks catch what damage does to the records' revisions and keys (a
 * flipped bit inside a value's bytes is not detectable here).
 *
 * <ul>
 * <li>{@code meta}: format, revision and compacted revision present, 0 &le; compacted &le; revision;</li>
 * <li>{@code keys}: every entry decodes, 1 &le; createRevision &le; modRevision &le; revision, version &ge; 1,
 *     and an entry changed after the compacted revision has its PUT event in the log;</li>
 * <li>{@code log}: every event lies in (compacted, revision], decodes, names a valid UTF-8 key, and the
 *     newest event is the store's revision.</li>
 * </ul>
 */
final class StoreVerifier {

    /** What a verified store holds. */
    record Verified(long revision, long compactedRevision, long keys, long events) {
    }

    /** A check failed; the message says which, as a short phrase. */
    static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message, null, false, false);
        }
    }

    private StoreVerifier() {
    }

    /**
     * Verifies the latest committed version of the maps.
     *
     * @throws Failed              when a record or an invariant is wrong
     * @throws RuntimeException    as MVStore throws it when a page cannot be read
     */
    static Verified verify(MVMap<String, byte[]> keys, MVMap<Long, byte[]> log, MVMap<String, Long> meta,
            long expectedFormat) {
        Long format = meta.get("format");
        Long revision = meta.get("revision");
        Long compacted = meta.get("compactedRevision");
        check(format != null && revision != null && compacted != null, "its revision counters are missing");
        check(format == expectedFormat, "format " + format + " instead of " + expectedFormat);
        check(0 <= compacted && compacted <= revision,
                "compacted revision " + compacted + " is outside 0.." + revision);

        long entries = 0;
        Cursor<String, byte[]> keyCursor = keys.cursor(null);
        while (keyCursor.hasNext()) {
            String key = keyCursor.next();
            checkEntry(key, keyCursor.getValue(), revision, compacted, log);
            entries++;
        }
        long events = 0;
        Long newest = null;
        Cursor<Long, byte[]> logCursor = log.cursor(null);
        while (logCursor.hasNext()) {
            long eventRevision = logCursor.next();
            check(eventRevision > compacted && eventRevision <= revision, "event at revision " + eventRevision
                    + " is outside the log's range " + (compacted + 1) + ".." + revision);
            checkEvent(eventRevision, logCursor.getValue());
            newest = eventRevision;
            events++;
        }
        if (revision > compacted) {
            check(newest != null && newest == revision.longValue(),
                    "the newest logged event is " + newest + " but the store is at revision " + revision);
        }
        return new Verified(revision, compacted, entries, events);
    }

    /** Opens the maps the store keeps (without creating them: a store without them fails). */
    static Verified verify(MVStore store, long expectedFormat) {
        for (String map : new String[] {"keys", "log", "meta"}) {
            check(store.hasMap(map), "its " + map + " map is missing");
        }
        return verify(MVStoreKv.keysMap(store), MVStoreKv.logMap(store), MVStoreKv.metaMap(store), expectedFormat);
    }

    private static void checkEntry(String key, byte[] record, long revision, long compacted,
            MVMap<Long, byte[]> log) {
        check(!key.isEmpty(), "an entry has an empty key");
        check(record != null && record.length >= Codec.ENTRY_HEADER, "entry '" + key + "' is truncated");
        ByteBuffer in = ByteBuffer.wrap(record);
        long create = in.getLong();
        long mod = in.getLong();
        long version = in.getLong();
        check(1 <= create && create <= mod && mod <= revision && version >= 1, "entry '" + key
                + "' has impossible revisions (created " + create + ", modified " + mod + ", version " + version
                + ", store at " + revision + ")");
        if (mod > compacted) {
            byte[] event = log.get(mod);
            check(event != null && event.length >= Codec.EVENT_HEADER && event[0] == Codec.PUT
                    && Arrays.equals(keyBytes(event), key.getBytes(StandardCharsets.UTF_8)),
                    "entry '" + key + "' has no matching event at its revision " + mod);
        }
    }

    private static void checkEvent(long revision, byte[] record) {
        check(record != null && record.length >= Codec.EVENT_HEADER, "event " + revision + " is truncated");
        check(record[0] == Codec.PUT || record[0] == Codec.DELETE, "event " + revision + " has an unknown type");
        int keyLength = ByteBuffer.wrap(record, Codec.EVENT_HEADER - Integer.BYTES, Integer.BYTES).getInt();
        check(keyLength > 0 && keyLength <= record.length - Codec.EVENT_HEADER,
                "event " + revision + " has a key length beyond its record");
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(record, Codec.EVENT_HEADER, keyLength));
        } catch (CharacterCodingException e) {
            throw new Failed("event " + revision + " has a key that is not UTF-8");
        }
    }

    private static byte[] keyBytes(byte[] event) {
        int keyLength = ByteBuffer.wrap(event, Codec.EVENT_HEADER - Integer.BYTES, Integer.BYTES).getInt();
        if (keyLength < 0 || keyLength > event.length - Codec.EVENT_HEADER) {
            return new byte[0];
        }
        return Arrays.copyOfRange(event, Codec.EVENT_HEADER, Codec.EVENT_HEADER + keyLength);
    }

    private static void check(boolean condition, String damage) {
        if (!condition) {
            throw new Failed(damage);
        }
    }

    /** The store header's version as MVStore read it from the file (hex text), or -1 when absent. */
    static long headerVersion(Map<String, Object> header) {
        return headerNumber(header.get("version"));
    }

    static boolean headerSaysClean(Map<String, Object> header) {
        return headerNumber(header.get("clean")) == 1;
    }

    private static long headerNumber(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof String text) {
            try {
                return Long.parseLong(text, 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
