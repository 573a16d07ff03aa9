package org.outpost.server.internal;

/** A stored join token: only a hash of its secret is kept. Times are ISO-8601; expires may be null. */
record TokenRecord(int version, String id, String secretHash, String description, String created, String expires,
        int maxUses, int uses, boolean revoked) {

    TokenRecord used() {
        return new TokenRecord(version, id, secretHash, description, created, expires, maxUses, uses + 1, revoked);
    }

    TokenRecord revokedNow() {
        return new TokenRecord(version, id, secretHash, description, created, expires, maxUses, uses, true);
    }
}
