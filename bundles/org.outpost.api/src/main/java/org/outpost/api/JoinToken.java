package org.outpost.api;

import java.time.Instant;

/**
 * A join token as listed: never carries the secret, except {@link #token()} on the value returned
 * right after creation.
 *
 * @param id        stable identifier ({@code server} for the node token)
 * @param expires   null when it never expires
 * @param maxUses   0 when unlimited
 * @param token     the whole token string, only right after creation; otherwise null
 */
public record JoinToken(String id, String description, Instant created, Instant expires, int maxUses,
        int uses, boolean revoked, String token) {
}
