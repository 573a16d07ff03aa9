package org.outpost.server.internal;

import java.io.IOException;
import java.util.Optional;

import org.outpost.api.ClusterStore;
import org.outpost.api.ErrorCode;
import org.outpost.api.KeyValue;
import org.outpost.api.OutpostException;
import org.outpost.api.StoreConflictException;
import org.outpost.security.Secrets;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Who owns a node name, as k3s does with its node password: an agent makes a random secret at its
 * first join and keeps it in its data directory; the server keeps only a salted hash of it next to
 * the node's record. A later join under the same name must present the same secret, so the join
 * token alone never takes over a name. The hash goes when the node is deleted.
 */
final class NodePasswords {
    /** Shortest node password accepted: a generated secret is 32 hex digits. */
    static final int MIN_LENGTH = Secrets.SECRET_HEX_LENGTH;
    static final int MAX_LENGTH = 256;
    /** Stored for a name claimed by a join that sent no password: no later join can prove it owns the name. */
    static final String NO_PASSWORD = "none";

    private final ClusterStore store;
    private final ObjectMapper json;
    /** What a password is checked against when a name has no usable hash, so that costs what a wrong one costs. */
    private final String decoyHash = Secrets.hashGeneratedSecret(Secrets.newSecret());

    /** The stored document: format version and the hash ({@code sha256$<salt>$<hash>}, or {@link #NO_PASSWORD}). */
    record NodePasswordRecord(int version, String hash) {
    }

    NodePasswords(ClusterStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    static String key(String name) {
        return StoreKeys.NODE_PASSWORDS + name;
    }

    /** Refuses a password that is not a plausible generated secret (it is hashed with a fast hash). */
    static void requireWellFormed(String password) {
        if (password == null) {
            return;
        }
        if (password.length() < MIN_LENGTH || password.length() > MAX_LENGTH || !password.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "nodePassword must be " + MIN_LENGTH + " to " + MAX_LENGTH
                    + " printable characters (the agent generates it in <data-dir>/agent/node-password)");
        }
    }

    /**
     * Checks, without writing, that {@code password} may join as {@code name}: the name is free, or
     * its stored hash matches, or it is a record from before node passwords (no hash) and a password
     * is presented.
     *
     * @param nodeRegistered whether the name has a node record
     * @throws OutpostException {@link ErrorCode#ALREADY_EXISTS} when the name belongs to another node
     */
    void check(String name, String password, boolean nodeRegistered) {
        Optional<NodePasswordRecord> stored = read(name);
        if (stored.isPresent()) {
            if (!matches(password, stored.get().hash())) {
                throw alreadyExists(name);
            }
        } else if (nodeRegistered && password == null) {
            throw alreadyExists(name);
        }
    }

    /**
     * Records {@code password} as the name's owner unless a hash is stored already, in which case
     * it must match (a concurrent join may have claimed the name since {@link #check}).
     */
    void claim(String name, String password) {
        String key = key(name);
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<KeyValue> current = store.get(key);
            if (current.isPresent()) {
                if (!matches(password, decode(current.get().value()).hash())) {
                    throw alreadyExists(name);
                }
                return;
            }
            String hash = password == null ? NO_PASSWORD : Secrets.hashGeneratedSecret(password);
            try {
                store.compareAndSet(key, 0, encode(new NodePasswordRecord(1, hash)));
                return;
            } catch (StoreConflictException e) {
                // claimed at the same moment: check against what the other join stored
            }
        }
        throw new OutpostException(ErrorCode.CONFLICT, "node " + name + " is being joined concurrently; try again");
    }

    boolean delete(String name) {
        return store.delete(key(name));
    }

    static OutpostException alreadyExists(String name) {
        return new OutpostException(ErrorCode.ALREADY_EXISTS,
                "node " + name + " already exists; delete it first with edge:node-delete " + name);
    }

    private boolean matches(String password, String hash) {
        boolean usable = password != null && hash != null && !hash.equals(NO_PASSWORD);
        // constant time either way: a missing password or hash is checked against a decoy and still fails
        boolean verified = Secrets.verifySecret(password == null ? "-" : password, usable ? hash : decoyHash);
        return usable && verified;
    }

    private Optional<NodePasswordRecord> read(String name) {
        return store.get(key(name)).map(kv -> decode(kv.value()));
    }

    private NodePasswordRecord decode(byte[] value) {
        try {
            return json.readValue(value, NodePasswordRecord.class);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "stored node password record is unreadable", e);
        }
    }

    private byte[] encode(NodePasswordRecord record) {
        try {
            return json.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "cannot encode node password record", e);
        }
    }
}
