package org.outpost.runtime.bundle.internal;

/**
 * Why an instance cannot run as assigned, worded for its status ({@code cannot install mvn:...: ...},
 * {@code bundle x.y 1.0 does not resolve: missing requirement ...}).
 */
final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String reason) {
        super(reason, null, false, false);
    }
}
