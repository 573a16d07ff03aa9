package org.outpost.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the server's messages of the types listed in its service property
 * {@link #TYPES_PROPERTY} (whiteboard, on the agent). Called on the channel's event loop: hand
 * anything slow to another thread.
 */
@ConsumerType
public interface ServerMessageHandler {

    /** Service property: the message types (String or String[]) this handler takes. */
    String TYPES_PROPERTY = "outpost.message.types";

    /** One message: its type and the whole JSON object. */
    void handle(String type, String json);
}
