package org.outpost.runtime.bundle.internal;

import java.io.Closeable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's log: what the runtime did with it and what happened to its bundles, one
 * time-stamped line per event, the last {@link #KEPT} in memory. Followers get new lines on a thread
 * of their own, so a slow reader never holds up the framework thread that reported the event.
 */
final class EventLog {
    static final int KEPT = 200;
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

    private final String instanceId;
    // guarded by this
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private final List<Follower> followers = new ArrayList<>();
    private boolean closed;

    EventLog(String instanceId) {
        this.instanceId = instanceId;
    }

    /** Adds a line, stamped with the current instant. */
    synchronized void add(String text) {
        String line = Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + text;
        lines.addLast(line);
        while (lines.size() > KEPT) {
            lines.removeFirst();
        }
        for (Follower follower : followers) {
            follower.offer(line);
        }
    }

    /**
     * Sends the last {@code tailLines} (all when negative). Without {@code follow} they are sent on
     * the caller's thread before this returns; with it they are sent, then every new line, on a
     * thread of the follower's own until the returned handle is closed.
     */
    Closeable send(int tailLines, boolean follow, Consumer<String> consumer) {
        if (!follow) {
            tail(tailLines).forEach(consumer);
            return () -> {
            };
        }
        synchronized (this) {
            Follower follower = new Follower(consumer);
            tail(tailLines).forEach(follower::offer);
            if (closed) {
                follower.close();
            } else {
                followers.add(follower);
            }
            follower.start();
            return follower;
        }
    }

    /** Ends every follower: the instance is gone. */
    synchronized void close() {
        closed = true;
        List<Follower> ending = new ArrayList<>(followers);
        followers.clear();
        ending.forEach(Follower::close);
    }

    private synchronized List<String> tail(int count) {
        List<String> all = new ArrayList<>(lines);
        return count < 0 || count >= all.size() ? all : all.subList(all.size() - count, all.size());
    }

    private synchronized void forget(Follower follower) {
        followers.remove(follower);
    }

    /** Hands lines to one reader, in order, until closed or until the reader throws. */
    private final class Follower implements Closeable {
        private static final Object END = new Object();

        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final Consumer<String> consumer;
        private final Thread thread;

        Follower(Consumer<String> consumer) {
            this.consumer = consumer;
            this.thread = new Thread(this::deliver, "outpost-bundle-logs " + instanceId);
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void offer(String line) {
            queue.add(line);
        }

        /** Lines not handed over yet are dropped: a closed reader wants no more. */
        @Override
        public void close() {
            forget(this);
            queue.clear();
            queue.add(END);
        }

        private void deliver() {
            try {
                for (Object next = queue.take(); next != END; next = queue.take()) {
                    consumer.accept((String) next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("A reader of the logs of {} failed; it gets no more lines", instanceId, e);
            } finally {
                forget(this);
            }
        }
    }
}
