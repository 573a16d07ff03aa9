package org.outpost.store.mvstore.internal;

import java.nio.file.Path;

import org.outpost.api.StoreException;

/**
 * The store file cannot be opened or its contents fail verification: it is damaged, as opposed to
 * in use by another process, unreadable for lack of permission, or of another format.
 */
public final class StoreDamagedException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String damage;

    public StoreDamagedException(Path file, String damage, Throwable cause) {
        super("the cluster store " + file + " is damaged (" + damage + ")", cause);
        this.file = file;
        this.damage = damage;
    }

    /** The damaged file. */
    public Path file() {
        return file;
    }

    /** What is wrong with it, as a short phrase. */
    public String damage() {
        return damage;
    }
}
