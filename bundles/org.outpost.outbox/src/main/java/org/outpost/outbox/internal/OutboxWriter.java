package org.outpost.outbox.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread: takes everything queued as one group, gives each record its sequence number,
 * writes the group with one {@code force} per lane touched, publishes it to readers, completes the
 * appends. Between groups it flushes cursor positions (at most every 100 ms), deletes acknowledged
 * segments and checks the bounds (every second and on every segment roll).
 */
final class OutboxWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxWriter.class);
    static final long CURSOR_FLUSH_MILLIS = 100;
    static final long BOUNDS_CHECK_MILLIS = 1000;

    private final String description;
    private final AppendQueue queue;
    private final LaneWriter urgent;
    private final LaneWriter normal;
    private final CommitSignal commits;
    private final CursorRegistry cursors;
    private final Retention retention;
    private final AppendRate rate;
    private long nextSeq;
    private volatile long appended;
    private volatile IOException failure;
    private long nextCursorFlush;
    private long nextBoundsCheck;
    private boolean cursorFlushWarned;

    OutboxWriter(String description, AppendQueue queue, LaneWriter urgent, LaneWriter normal, CommitSignal commits,
            CursorRegistry cursors, Retention retention, AppendRate rate, long nextSeq) {
        this.description = description;
        this.queue = queue;
        this.urgent = urgent;
        this.normal = normal;
        this.commits = commits;
        this.cursors = cursors;
        this.retention = retention;
        this.rate = rate;
        this.nextSeq = nextSeq;
    }

    long appended() {
        return appended;
    }

    @Override
    public void run() {
        try {
            long now = System.currentTimeMillis();
            nextCursorFlush = now;
            nextBoundsCheck = now;
            while (true) {
                long wait = Math.max(0, Math.min(nextCursorFlush, nextBoundsCheck) - System.currentTimeMillis());
                // no lingering for more: producers woken by the last group queue up while this one is forced
                ArrayList<AppendRequest> group = queue.take(TimeUnit.MILLISECONDS.toNanos(wait));
                boolean idle = group.isEmpty();
                if (!idle) write(group);
                queue.recycle(group);
                housekeeping(System.currentTimeMillis());
                if (idle && queue.isClosed()) break;
            }
        } catch (RuntimeException | Error e) {
            LOG.error("Outbox {}: the writer thread failed; appends are refused from now on", description, e);
            queue.refuse(new IOException("outbox writer failed: " + e, e));
            ArrayList<AppendRequest> left = queue.take(0);
            for (AppendRequest request : left) request.completeExceptionally(new IOException("outbox writer failed", e));
        } finally {
            finish();
        }
    }

    private void write(ArrayList<AppendRequest> group) {
        IOException failed = failure;
        if (failed != null) {
            for (AppendRequest request : group) request.completeExceptionally(refused(failed));
            return;
        }
        long now = System.currentTimeMillis();
        try {
            for (int i = 0, n = group.size(); i < n; i++) {
                AppendRequest request = group.get(i);
                request.seq = nextSeq++;
                laneOf(request.priority).add(request.seq, request.priority, now, request.payload);
            }
            urgent.force();
            normal.force();
        } catch (IOException | RuntimeException e) {
            failed(group, e);
            return;
        }
        urgent.publish();
        normal.publish();
        long last = group.get(group.size() - 1).seq;
        commits.publish(last, this::publishLanes);
        appended += group.size();
        for (int i = 0, n = group.size(); i < n; i++) {
            AppendRequest request = group.get(i);
            request.complete(request.seq);
        }
        if (urgent.takeRolled() | normal.takeRolled()) {
            retention.enforceBounds(now);
        }
    }

    private void publishLanes() {
        urgent.publishLane();
        normal.publishLane();
    }

    /** A write or force failed: records made durable by an earlier roll still count, the rest fail. */
    private void failed(ArrayList<AppendRequest> group, Exception cause) {
        LOG.error("Outbox {}: writing failed; appends are refused until it is reopened: {}", description, cause.toString());
        IOException failedWith = cause instanceof IOException io ? io : new IOException(cause.toString(), cause);
        failure = failedWith;
        queue.refuse(new IOException("outbox refuses appends after a failed write: " + cause.getMessage(), cause));
        urgent.abandonGroup();
        normal.abandonGroup();
        long committed = Math.max(urgent.durableSeq(), normal.durableSeq());
        commits.publish(committed, this::publishLanes);
        long succeeded = 0;
        for (AppendRequest request : group) {
            LaneWriter lane = laneOf(request.priority);
            if (request.seq != 0 && request.seq <= lane.durableSeq()) {
                request.complete(request.seq);
                succeeded++;
            } else {
                request.completeExceptionally(failedWith);
            }
        }
        appended += succeeded;
    }

    private static IOException refused(IOException failure) {
        return new IOException("outbox refuses appends after a failed write: " + failure.getMessage(), failure);
    }

    private LaneWriter laneOf(int priority) {
        return Lane.isUrgent(priority) ? urgent : normal;
    }

    private void housekeeping(long now) {
        if (now >= nextCursorFlush) {
            retention.deleteAcknowledged();
            flushCursors();
            nextCursorFlush = now + CURSOR_FLUSH_MILLIS;
        }
        if (now >= nextBoundsCheck) {
            retention.enforceBounds(now);
            rate.sample(now, appended);
            nextBoundsCheck = now + BOUNDS_CHECK_MILLIS;
        }
    }

    private void flushCursors() {
        try {
            cursors.flushIfChanged();
            cursorFlushWarned = false;
        } catch (IOException e) {
            if (!cursorFlushWarned) {
                LOG.warn("Outbox {}: cannot write cursor positions (will retry): {}", description, e.toString());
                cursorFlushWarned = true;
            }
        }
    }

    private void finish() {
        try {
            retention.deleteAcknowledged();
            cursors.persist();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Outbox {}: cannot write cursor positions on close: {}", description, e.toString());
        }
        urgent.close();
        normal.close();
    }
}
