package org.outpost.agent.internal;

/** The server (or the server's certificate) refused this join; the message is one line for the operator. */
final class JoinRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    JoinRefusedException(String message) {
        super(message);
    }
}
