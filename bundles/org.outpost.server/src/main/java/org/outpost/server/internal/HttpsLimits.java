package org.outpost.server.internal;

import java.time.Duration;

/**
 * The bounds of the server's HTTPS port, each named in docs/limits.md ("Server HTTPS port").
 *
 * @param maxUnauthenticatedConnections connections that have shown neither a client certificate nor
 *        the admin credential, at most; more are answered 503 (up to as many again) or closed
 * @param headerTimeout time a connection that has not authenticated gets for the TLS handshake and a
 *        request's head (and, for a join, its body), and may stay idle between requests
 * @param idleTimeout time an authenticated admin connection may stay idle between requests
 * @param joinsPerMinute joins per source address and minute (token bucket refill)
 * @param joinBurst joins a source address may make at once (token bucket size)
 */
record HttpsLimits(int maxUnauthenticatedConnections, Duration headerTimeout, Duration idleTimeout, int joinsPerMinute,
        int joinBurst) {
    /** Largest request body of an authenticated admin request (a workload manifest). */
    static final int MAX_ADMIN_REQUEST_BYTES = 1 << 20;
    /** Largest request body before authentication: a join (CSR, token, password) or nothing. */
    static final int MAX_UNAUTHENTICATED_REQUEST_BYTES = NodeJoin.MAX_REQUEST_BYTES;
    /** Source addresses whose join rate is tracked; idle ones are forgotten first. */
    static final int MAX_TRACKED_JOIN_SOURCES = 4096;

    static HttpsLimits defaults() {
        return new HttpsLimits(64, Duration.ofSeconds(10), Duration.ofSeconds(60), 10, 10);
    }

    HttpsLimits {
        if (maxUnauthenticatedConnections < 1 || joinsPerMinute < 1 || joinBurst < 1
                || headerTimeout.isNegative() || headerTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("HTTPS limits must be positive");
        }
    }
}
