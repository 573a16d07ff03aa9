package org.outpost.api;

import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Creates, lists and revokes join tokens. Available while this JVM has the server role. */
@ProviderType
public interface JoinTokens {

    /** The cluster's node token, {@code K10<ca-hash>::server:<secret>}. */
    String nodeToken();

    /**
     * A new scoped token {@code K10<ca-hash>::<id>.<secret>}.
     *
     * @param ttl     lifetime; null for none
     * @param maxUses 0 for unlimited
     */
    JoinToken create(Duration ttl, int maxUses, String description);

    List<JoinToken> list();

    /**
     * Revokes a token so no further join accepts it. Revoking {@code server} rotates the node
     * token's secret (the new one is written to the node-token file).
     *
     * @throws OutpostException {@link ErrorCode#NOT_FOUND} for an unknown id
     */
    void revoke(String id);
}
