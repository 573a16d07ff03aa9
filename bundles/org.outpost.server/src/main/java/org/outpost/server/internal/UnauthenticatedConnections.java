package org.outpost.server.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the connections that have not authenticated yet, across the port. Up to the limit they
 * are served; up to twice the limit they are answered 503 and closed; beyond that they are closed
 * at once, so that the memory held by connections nobody vouched for stays bounded.
 */
final class UnauthenticatedConnections {
    enum Admission { SERVE, REFUSE_WITH_503, CLOSE }

    private final int limit;
    private final AtomicInteger open = new AtomicInteger();

    UnauthenticatedConnections(int limit) {
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    int open() {
        return open.get();
    }

    /** Counts a new connection (unless it is closed at once); release it exactly once when admitted. */
    Admission admit() {
        while (true) {
            int now = open.get();
            if (now >= 2 * limit) {
                return Admission.CLOSE;
            }
            if (open.compareAndSet(now, now + 1)) {
                return now < limit ? Admission.SERVE : Admission.REFUSE_WITH_503;
            }
        }
    }

    void release() {
        open.decrementAndGet();
    }
}
