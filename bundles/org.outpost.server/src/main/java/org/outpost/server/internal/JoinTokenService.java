package org.outpost.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.outpost.api.ClusterStore;
import org.outpost.api.ErrorCode;
import org.outpost.api.JoinToken;
import org.outpost.api.JoinTokens;
import org.outpost.api.KeyValue;
import org.outpost.api.OutpostException;
import org.outpost.api.StoreConflictException;
import org.outpost.security.ParsedJoinToken;
import org.outpost.security.Pem;
import org.outpost.security.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Join tokens in k3s form. The node token ({@code K10<ca-hash>::server:<secret>}) lives in the
 * node-token file and, hashed, in the store; scoped tokens ({@code K10<ca-hash>::<id>.<secret>})
 * expire and may be limited in uses. Secrets are compared through their hashes in constant time
 * and never logged.
 */
final class JoinTokenService implements JoinTokens {
    private static final Logger LOG = LoggerFactory.getLogger(JoinTokenService.class);
    static final String NODE_TOKEN_ID = "server";

    private final ClusterStore store;
    private final ObjectMapper json;
    private final Clock clock;
    private final String caHash;
    private final Path nodeTokenFile;
    /** What a presented secret is checked against when its token id is unknown, so that costs what a wrong secret costs. */
    private final String unknownTokenHash = Secrets.hashGeneratedSecret(Secrets.newSecret());

    JoinTokenService(ClusterStore store, ObjectMapper json, Clock clock, String caHash, Path nodeTokenFile) {
        this.store = store;
        this.json = json;
        this.clock = clock;
        this.caHash = caHash;
        this.nodeTokenFile = nodeTokenFile;
    }

    /** Makes sure the node-token file and its stored hash exist and agree. */
    void ensureNodeToken() {
        Optional<String> fromFile = readNodeTokenFile();
        Optional<TokenRecord> stored = record(NODE_TOKEN_ID).map(kv -> read(kv.value()));
        if (fromFile.isPresent() && stored.isPresent() && !stored.get().revoked()
                && Secrets.verifySecret(fromFile.get(), stored.get().secretHash())) {
            return;
        }
        if (fromFile.isPresent() && stored.isEmpty()) {
            // a node token the user wrote may be a passphrase: slow hash
            storeNodeToken(Secrets.hashSecret(fromFile.get()));
            return;
        }
        rotateNodeToken();
    }

    private Optional<String> readNodeTokenFile() {
        if (!Files.isRegularFile(nodeTokenFile)) {
            return Optional.empty();
        }
        try {
            ParsedJoinToken parsed = ParsedJoinToken.parse(Files.readString(nodeTokenFile, StandardCharsets.UTF_8).trim());
            if (!parsed.isNodeToken() || !parsed.caHash().equals(caHash)) {
                return Optional.empty();
            }
            return Optional.of(parsed.secret());
        } catch (IOException | OutpostException e) {
            return Optional.empty();
        }
    }

    private void rotateNodeToken() {
        String secret = Secrets.newSecret();
        storeNodeToken(Secrets.hashGeneratedSecret(secret));
        Pem.writePrivate(nodeTokenFile, ParsedJoinToken.formatNodeToken(caHash, secret) + "\n");
        LOG.info("Node token written to {}", nodeTokenFile);
    }

    private void storeNodeToken(String secretHash) {
        TokenRecord record = new TokenRecord(1, NODE_TOKEN_ID, secretHash, "node token",
                clock.instant().toString(), null, 0, record(NODE_TOKEN_ID).map(kv -> read(kv.value()).uses()).orElse(0), false);
        store.put(StoreKeys.TOKENS + NODE_TOKEN_ID, write(record));
    }

    @Override
    public String nodeToken() {
        try {
            return Files.readString(nodeTokenFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.UNAVAILABLE, "cannot read the node token file " + nodeTokenFile);
        }
    }

    @Override
    public JoinToken create(Duration ttl, int maxUses, String description) {
        if (maxUses < 0) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "uses must be 0 (unlimited) or more");
        }
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "ttl must be positive");
        }
        Instant now = clock.instant();
        String secret = Secrets.newSecret();
        for (int attempt = 0; attempt < 5; attempt++) {
            String id = Secrets.newId();
            TokenRecord record = new TokenRecord(1, id, Secrets.hashGeneratedSecret(secret), description == null ? "" : description,
                    now.toString(), ttl == null ? null : now.plus(ttl).toString(), maxUses, 0, false);
            try {
                store.compareAndSet(StoreKeys.TOKENS + id, 0, write(record));
            } catch (StoreConflictException e) {
                continue;
            }
            LOG.info("Join token {} created (expires {}, uses {})", id, record.expires() == null ? "never" : record.expires(),
                    maxUses == 0 ? "unlimited" : maxUses);
            return toApi(record, ParsedJoinToken.formatScopedToken(caHash, id, secret));
        }
        throw new OutpostException(ErrorCode.INTERNAL, "could not allocate a token id");
    }

    @Override
    public List<JoinToken> list() {
        List<JoinToken> tokens = new ArrayList<>();
        for (KeyValue kv : store.list(StoreKeys.TOKENS)) {
            tokens.add(toApi(read(kv.value()), null));
        }
        return tokens;
    }

    @Override
    public void revoke(String id) {
        if (NODE_TOKEN_ID.equals(id)) {
            rotateNodeToken();
            LOG.info("Node token revoked and rotated; the new one is in {}", nodeTokenFile);
            return;
        }
        for (int attempt = 0; attempt < 10; attempt++) {
            KeyValue kv = record(id).orElseThrow(() -> new OutpostException(ErrorCode.NOT_FOUND, "token " + id + " not found"));
            try {
                store.compareAndSet(kv.key(), kv.modRevision(), write(read(kv.value()).revokedNow()));
                LOG.info("Join token {} revoked", id);
                return;
            } catch (StoreConflictException e) {
                // used concurrently; retry on the new version
            }
        }
        throw new OutpostException(ErrorCode.CONFLICT, "token " + id + " is being changed concurrently; try again");
    }

    /**
     * Checks a presented token without counting a use, so that a join refused for another reason
     * (its node name belongs to another node) does not spend a limited token.
     *
     * @return the id of the token
     */
    String verify(String presented) {
        ParsedJoinToken token = parse(presented);
        return read(accepted(token).value()).id();
    }

    /**
     * Checks a presented token and counts one use. Every refusal names its reason without echoing
     * the secret.
     *
     * @return the id of the token used
     */
    String redeem(String presented) {
        ParsedJoinToken token = parse(presented);
        for (int attempt = 0; attempt < 10; attempt++) {
            KeyValue kv = accepted(token);
            TokenRecord record = read(kv.value());
            if (record.maxUses() == 0) {
                // Unlimited tokens (the node token above all) are not counted: a fleet joining at once
                // must not contend on one key.
                return record.id();
            }
            try {
                store.compareAndSet(kv.key(), kv.modRevision(), write(record.used()));
                return record.id();
            } catch (StoreConflictException e) {
                // another join used it at the same moment: check the limits again
            }
        }
        throw new OutpostException(ErrorCode.CONFLICT, "token is being used concurrently; try again");
    }

    private ParsedJoinToken parse(String presented) {
        ParsedJoinToken token;
        try {
            token = ParsedJoinToken.parse(presented);
        } catch (OutpostException e) {
            throw new OutpostException(ErrorCode.UNAUTHORIZED, "malformed token: " + e.getMessage());
        }
        if (!Secrets.constantTimeEquals(token.caHash(), caHash)) {
            throw new OutpostException(ErrorCode.UNAUTHORIZED, "token belongs to another cluster (CA hash differs)");
        }
        return token;
    }

    /** The stored record of a token whose secret matches and that may still be used; otherwise the refusal. */
    private KeyValue accepted(ParsedJoinToken token) {
        KeyValue kv = record(token.id()).orElse(null);
        // Unknown ids and wrong secrets get the same answer, so ids cannot be probed.
        if (kv == null) {
            Secrets.verifySecret(token.secret(), unknownTokenHash);
            throw new OutpostException(ErrorCode.UNAUTHORIZED, "token not accepted (unknown token or wrong secret)");
        }
        TokenRecord record = read(kv.value());
        if (!Secrets.verifySecret(token.secret(), record.secretHash())) {
            throw new OutpostException(ErrorCode.UNAUTHORIZED, "token not accepted (unknown token or wrong secret)");
        }
        if (record.revoked()) {
            throw new OutpostException(ErrorCode.FORBIDDEN, "token " + record.id() + " has been revoked");
        }
        if (record.expires() != null && !clock.instant().isBefore(Instant.parse(record.expires()))) {
            throw new OutpostException(ErrorCode.FORBIDDEN, "token " + record.id() + " expired at " + record.expires());
        }
        if (record.maxUses() > 0 && record.uses() >= record.maxUses()) {
            throw new OutpostException(ErrorCode.FORBIDDEN, "token " + record.id() + " has been used up ("
                    + record.maxUses() + (record.maxUses() == 1 ? " use)" : " uses)"));
        }
        return kv;
    }

    private Optional<KeyValue> record(String id) {
        if (id == null || !id.matches("[a-z0-9]{1,32}")) {
            return Optional.empty();
        }
        return store.get(StoreKeys.TOKENS + id);
    }

    private static JoinToken toApi(TokenRecord r, String token) {
        return new JoinToken(r.id(), r.description(), Instant.parse(r.created()),
                r.expires() == null ? null : Instant.parse(r.expires()), r.maxUses(), r.uses(), r.revoked(), token);
    }

    private TokenRecord read(byte[] value) {
        try {
            return json.readValue(value, TokenRecord.class);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "stored token is unreadable", e);
        }
    }

    private byte[] write(TokenRecord record) {
        try {
            return json.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "cannot encode token", e);
        }
    }
}
