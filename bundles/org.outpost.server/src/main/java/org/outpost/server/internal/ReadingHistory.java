package org.outpost.server.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.outpost.api.device.Reading;
import org.outpost.server.internal.DeviceHub.Stored;

/**
 * The readings the server keeps in memory, per node and channel: each channel a window of its
 * latest readings, every window of every node within one memory budget
 * ({@link IngestLimits.Settings#historyBytes()}). The budget is shared equally between channels:
 * a channel keeps at most {@code perChannel} readings and at most its share of the bytes, and always
 * its latest reading. Channels beyond {@link IngestLimits.Settings#channelsPerNode()} per node, or
 * beyond what the budget can give a share, are not kept (counted by the caller); values larger than
 * {@link #MAX_VALUE_BYTES} are kept as a BAD reading saying so.
 */
final class ReadingHistory {
    /** Values the server keeps as they are; a larger one is replaced by a BAD reading naming its size. */
    static final int MAX_VALUE_BYTES = 1024;
    /** What a kept reading costs beyond its value: the entry, the reading, a boxed value, the queue slot. */
    static final int READING_OVERHEAD = 112;
    /** The smallest share a channel is given: room for its latest reading at the largest kept size. */
    static final long MIN_SHARE_BYTES = READING_OVERHEAD + 2L * MAX_VALUE_BYTES + 256;

    /** What happened to a reading. */
    enum Outcome { KEPT, KEPT_OVERSIZE, NO_CHANNEL_ROOM }

    private final Supplier<IngestLimits.Settings> settings;
    private final int perChannel;
    private final Map<String, Map<String, Window>> nodes = new ConcurrentHashMap<>();
    private final AtomicInteger channels = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    /** The share every window was last trimmed to; windows trim themselves to the current one as they grow. */
    private volatile long trimmedToShare = Long.MAX_VALUE;

    ReadingHistory(Supplier<IngestLimits.Settings> settings, int perChannel) {
        this.settings = settings;
        this.perChannel = Math.max(1, perChannel);
    }

    Outcome keep(String node, long seq, Reading reading) {
        IngestLimits.Settings limits = settings.get();
        Map<String, Window> windows = nodes.computeIfAbsent(node, n -> new ConcurrentHashMap<>());
        String key = reading.device() + "/" + reading.channel();
        Window window = windows.get(key);
        if (window == null) {
            if (windows.size() >= limits.channelsPerNode() || channels.get() >= maxChannels(limits)) {
                return Outcome.NO_CHANNEL_ROOM;
            }
            window = windows.computeIfAbsent(key, k -> {
                channels.incrementAndGet();
                return new Window(reading.device(), reading.channel());
            });
        }
        Reading kept = window.canonical(reading);
        Outcome outcome = Outcome.KEPT;
        if (contentLength(kept) > MAX_VALUE_BYTES) {
            kept = Reading.bad(window.device, window.channel, reading.timestamp(), "a value of " + contentLength(kept)
                    + " bytes; the server keeps values up to " + MAX_VALUE_BYTES + " bytes (edge:read on the node shows it)");
            outcome = Outcome.KEPT_OVERSIZE;
        }
        long share = share(limits);
        bytes.addAndGet(window.add(new Stored(seq, kept), share, perChannel));
        if (share < trimmedToShare * 0.9) trimAll(share);
        return outcome;
    }

    /** The most channels the budget gives a share to. */
    static long maxChannels(IngestLimits.Settings limits) {
        return Math.max(1, limits.historyBytes() / MIN_SHARE_BYTES);
    }

    private long share(IngestLimits.Settings limits) {
        return Math.max(MIN_SHARE_BYTES, limits.historyBytes() / Math.max(1, channels.get()));
    }

    /** The share shrank noticeably (more channels, or a smaller budget): every window gives back what it holds beyond it. */
    private synchronized void trimAll(long share) {
        for (Map<String, Window> windows : nodes.values()) {
            for (Window window : windows.values()) bytes.addAndGet(-window.trim(share, perChannel));
        }
        trimmedToShare = share;
    }

    Stored last(String node, String key) {
        Map<String, Window> windows = nodes.get(node);
        Window window = windows == null ? null : windows.get(key);
        return window == null ? null : window.last();
    }

    /** Every kept reading of the node's channels whose key ({@code device/channel}) matches. */
    List<Stored> stored(String node, Predicate<String> key) {
        List<Stored> list = new ArrayList<>();
        Map<String, Window> windows = nodes.get(node);
        if (windows == null) return list;
        windows.forEach((k, window) -> {
            if (key.test(k)) list.addAll(window.all());
        });
        return list;
    }

    /** The node's channel keys ({@code device/channel}) that have readings. */
    List<String> keys(String node) {
        Map<String, Window> windows = nodes.get(node);
        return windows == null ? List.of() : List.copyOf(windows.keySet());
    }

    /** Forgets a node's readings (the node was deleted). */
    void forget(String node) {
        Map<String, Window> windows = nodes.remove(node);
        if (windows == null) return;
        for (Window window : windows.values()) {
            channels.decrementAndGet();
            bytes.addAndGet(-window.trim(0, 0));
        }
    }

    long bytes() {
        return bytes.get();
    }

    int channels() {
        return channels.get();
    }

    /** The estimated heap a kept reading takes. */
    static long size(Reading reading) {
        long size = READING_OVERHEAD + valueBytes(reading);
        if (!reading.reason().isEmpty()) size += 40 + 2L * reading.reason().length();
        return size;
    }

    /** Characters of a text value, bytes of a byte array, 0 for the rest. */
    private static int contentLength(Reading reading) {
        Object value = reading.value();
        if (value instanceof String text) return text.length();
        if (value instanceof byte[] data) return data.length;
        return 0;
    }

    private static long valueBytes(Reading reading) {
        Object value = reading.value();
        if (value instanceof String text) return 40 + 2L * text.length();
        if (value instanceof byte[] data) return 16L + data.length;
        return 0;
    }

    /** One channel's latest readings, oldest first. */
    private static final class Window {
        final String device;
        final String channel;
        private final ArrayDeque<Stored> readings = new ArrayDeque<>();
        private long bytes;

        Window(String device, String channel) {
            this.device = device;
            this.channel = channel;
        }

        /** The reading with this window's names: one copy of them for every reading kept. */
        Reading canonical(Reading reading) {
            String reason = reading.reason().isEmpty() ? "" : reading.reason();
            return new Reading(device, channel, reading.timestamp(), reading.type(), reading.value(), reading.quality(), reason);
        }

        /** @return the change in bytes held */
        synchronized long add(Stored stored, long share, int maxCount) {
            readings.addLast(stored);
            long size = size(stored.reading());
            bytes += size;
            return size - trimLocked(share, maxCount);
        }

        /** @return the bytes given back; {@code maxCount} 0 empties the window */
        synchronized long trim(long share, int maxCount) {
            return trimLocked(share, maxCount);
        }

        private long trimLocked(long share, int maxCount) {
            long freed = 0;
            while (!readings.isEmpty() && (readings.size() > maxCount || bytes > share && readings.size() > 1)) {
                long size = size(readings.removeFirst().reading());
                bytes -= size;
                freed += size;
            }
            return freed;
        }

        synchronized Stored last() {
            return readings.peekLast();
        }

        synchronized List<Stored> all() {
            return new ArrayList<>(readings);
        }
    }
}
