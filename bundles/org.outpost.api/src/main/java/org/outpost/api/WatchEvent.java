package org.outpost.api;

/**
 * A change seen by a watch. For {@link Type#DELETE} the value is empty and {@code kv.modRevision()}
 * is the revision of the delete.
 */
public record WatchEvent(Type type, KeyValue kv) {

    public enum Type { PUT, DELETE }

    public long revision() {
        return kv.modRevision();
    }
}
