package org.outpost.telemetry.internal;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.outpost.api.ServerLink;
import org.outpost.outbox.OutboxCursor;
import org.outpost.outbox.OutboxRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Sends the outbox to the server over the agent's channel, in batches the server acknowledges
 * ({@code readings} / {@code readings-ack}, docs/agent-protocol.md). Records are acknowledged in the
 * outbox only when the server has stored them; on a new channel everything unacknowledged goes again
 * (the server drops what it already has by sequence number). A server beyond whose ingest budget
 * this node forwards sends its acknowledgements late ({@code throttledMillis}): with at most
 * {@link #MAX_BATCHES_IN_FLIGHT} batches unacknowledged, that paces this node to the budget, and
 * the outbox keeps the rest (within its bounds).
 */
final class Forwarder implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    static final int BATCH = 500;
    static final int MAX_BATCHES_IN_FLIGHT = 4;
    private static final long THROTTLE_LOG_MILLIS = 60_000;

    private final OutboxCursor cursor;
    private final ObjectMapper json;
    private final Map<Long, long[]> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong throttledMillis = new AtomicLong();
    private volatile long lastThrottleLogAt;
    private final Object signal = new Object();
    private volatile ServerLink link;
    private final AtomicLong linkGeneration = new AtomicLong();
    private volatile boolean running = true;
    private long batch;

    Forwarder(OutboxCursor cursor, ObjectMapper json) {
        this.cursor = cursor;
        this.json = json;
    }

    void linkUp(ServerLink up) {
        link = up;
        linkGeneration.incrementAndGet();
        wake();
    }

    void linkDown(ServerLink down) {
        if (link == down) {
            link = null;
            linkGeneration.incrementAndGet();
        }
    }

    /** The server stored a batch. */
    void acknowledged(long batchId) {
        acknowledged(batchId, 0);
    }

    /** The server stored a batch, and held its acknowledgement back {@code throttled} ms for its ingest budget. */
    void acknowledged(long batchId, long throttled) {
        if (throttled > 0) {
            throttledMillis.addAndGet(throttled);
            long now = System.currentTimeMillis();
            if (now - lastThrottleLogAt >= THROTTLE_LOG_MILLIS) {
                lastThrottleLogAt = now;
                LOG.info("The server paces this node's readings to its ingest budget (acknowledgements waited {} s so far);"
                        + " the outbox holds what waits ({} records)", throttledMillis.get() / 1000, cursor.pending());
            }
        }
        long[] seqs = inFlight.remove(batchId);
        if (seqs == null) return;
        for (long seq : seqs) cursor.ack(seq);
        forwarded.addAndGet(seqs.length);
        wake();
    }

    long forwarded() {
        return forwarded.get();
    }

    /** How long the server held acknowledgements back for its ingest budget, added up. */
    long throttledMillis() {
        return throttledMillis.get();
    }

    long pending() {
        return cursor.pending();
    }

    void stop() {
        running = false;
        wake();
    }

    @Override
    public void run() {
        long servedGeneration = -1;
        while (running) {
            try {
                ServerLink current = link;
                long generation = linkGeneration.get();
                if (current == null) {
                    pause(200);
                    continue;
                }
                if (generation != servedGeneration) {
                    // a new channel: whatever was in flight on the old one may be lost
                    inFlight.clear();
                    cursor.rewind();
                    servedGeneration = generation;
                }
                if (inFlight.size() >= MAX_BATCHES_IN_FLIGHT || !current.writable()) {
                    pause(20);
                    continue;
                }
                List<OutboxRecord> records = cursor.poll(BATCH, 200);
                if (records.isEmpty() || !running) continue;
                long id = ++batch;
                long[] seqs = new long[records.size()];
                ObjectNode message = json.createObjectNode();
                message.put("type", "readings");
                message.put("batch", id);
                ArrayNode items = message.putArray("items");
                Base64.Encoder base64 = Base64.getEncoder();
                for (int i = 0; i < records.size(); i++) {
                    OutboxRecord record = records.get(i);
                    seqs[i] = record.seq();
                    ObjectNode item = items.addObject();
                    item.put("seq", record.seq());
                    item.put("priority", record.priority());
                    item.put("data", base64.encodeToString(record.payload()));
                }
                inFlight.put(id, seqs);
                if (!current.send(message.toString())) {
                    linkDown(current);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("Forwarding readings to the server failed; retrying: {}", e.toString());
                pause(1_000);
            } catch (OutOfMemoryError e) {
                throw e;
            } catch (Error e) {
                // the forwarding thread must not end: nothing would send readings again
                LOG.error("Forwarding readings to the server failed; retrying", e);
                pause(1_000);
            }
        }
    }

    private void pause(long millis) {
        synchronized (signal) {
            try {
                signal.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }
}
