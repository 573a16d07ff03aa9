package org.outpost.api;

import org.osgi.annotation.versioning.ProviderType;

/** Switches this JVM between the server and agent roles without restarting it. */
@ProviderType
public interface RoleManager {

    String role();

    /** Becomes the server of a cluster of its own, listening as configured; the local agent joins it. */
    void becomeServer();

    /**
     * Becomes the server of a cluster of its own, listening on {@code bindAddress:httpsPort}
     * (null / 0: as configured); the local agent joins it. A switch that cannot complete is
     * rolled back and fails with the reason.
     */
    void becomeServer(String bindAddress, int httpsPort);

    /**
     * Becomes an agent of the given server.
     *
     * @param token join token; may be null when this node already holds an identity for that cluster
     */
    void becomeAgent(String serverUrl, String token);

    /** Leaves the cluster: drops the agent identity; the node must join again with a token. */
    void leave();
}
