package org.outpost.launcher;

/** A command line or instance problem, reported to the user as one line. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
