package org.outpost.api;

import java.time.Instant;

import org.osgi.annotation.versioning.ProviderType;

/** What a running agent tells about its connection to the server. */
@ProviderType
public interface AgentState {

    String serverUrl();

    boolean connected();

    /** When the server last acknowledged a heartbeat; null before the first. */
    Instant lastAcknowledged();

    /** The highest store revision the agent has seen from the server. */
    long lastRevision();

    /** The latest problem in a sentence (for example why a join was refused), or null once connected again. */
    String lastError();

    /** How often the channel came up again after it had been up, since the node started. */
    long reconnects();

    /** When the channel that was up was last lost; null if it never was. */
    Instant lastDisconnected();

    /** Why the channel that was up was last lost, in a sentence; null if it never was. */
    String lastDisconnectReason();
}
