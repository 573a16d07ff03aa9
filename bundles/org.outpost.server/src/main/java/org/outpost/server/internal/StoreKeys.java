package org.outpost.server.internal;

/** Where the server keeps its state in the cluster store (see docs/store-layout.md). */
final class StoreKeys {
    /** Node spec: name, roles, labels, identity serial. Admin-owned; agents watch their own. */
    static final String NODES = "/registry/nodes/";
    /** Node status: readiness, last heartbeat (the lease), usage. Server-owned. */
    static final String STATUS = "/registry/status/";
    /** Node passwords: a salted hash of the secret that owns each node name (see NodePasswords). */
    static final String NODE_PASSWORDS = "/registry/node-passwords/";
    /** Join tokens: hashed secrets, expiry, uses. */
    static final String TOKENS = "/registry/tokens/";

    private StoreKeys() {
    }
}
