package org.outpost.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/** The server's registry of joined nodes. Available while this JVM has the server role. */
@ProviderType
public interface NodeRegistry {

    List<NodeInfo> list();

    Optional<NodeInfo> get(String name);

    /**
     * Sets and removes labels on a node.
     *
     * @throws OutpostException {@link ErrorCode#NOT_FOUND} for an unknown node
     */
    NodeInfo label(String name, Map<String, String> set, Set<String> remove);

    /**
     * Cordons a node (no new workload instances are placed on it) or lifts the cordon.
     *
     * @throws OutpostException {@link ErrorCode#NOT_FOUND} for an unknown node
     */
    NodeInfo cordon(String name, boolean cordoned);

    /**
     * Removes a node and revokes its identity; the node must join again with a token.
     *
     * @return false when no such node existed
     */
    boolean delete(String name);
}
