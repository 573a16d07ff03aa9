package org.outpost.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The agent's open channel to its server, registered as a service while the channel is up (after
 * the server's welcome) and unregistered when it closes. Other bundles on the agent send their
 * own message types over it and receive the server's answers through {@link ServerMessageHandler}.
 */
@ProviderType
public interface ServerLink {

    /** This node's name, as the server knows it. */
    String node();

    /**
     * Queues one message for the server: a JSON object whose {@code type} the server knows.
     * Never blocks.
     *
     * @return false when the channel has closed meanwhile (the message is not sent)
     */
    boolean send(String json);

    /** Whether the channel can take more without queueing in memory (flow control). */
    boolean writable();
}
