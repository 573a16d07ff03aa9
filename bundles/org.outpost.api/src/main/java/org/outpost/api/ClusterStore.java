package org.outpost.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The cluster's key-value store, in the kine/etcd model: every write gets the next value of one
 * global revision counter; compare-and-set on a key's modification revision; prefix listing;
 * watches that replay history after a revision and then follow live changes; compaction of old
 * history.
 *
 * <p>A write method returns only after the change is durable: it survives a crash of the process
 * right after the call returns.
 */
@ProviderType
public interface ClusterStore {

    /** The revision of the latest write, 0 for an empty store. */
    long revision();

    Optional<KeyValue> get(String key);

    /** Keys that start with {@code prefix}, in key order. */
    List<KeyValue> list(String prefix);

    /** Writes unconditionally and returns the stored entry. */
    KeyValue put(String key, byte[] value);

    /**
     * Writes only when the key's current modification revision equals
     * {@code expectedModRevision} (0 = the key must not exist).
     *
     * @throws StoreConflictException when it does not
     */
    KeyValue compareAndSet(String key, long expectedModRevision, byte[] value);

    /** Deletes the key; returns false when it did not exist. */
    boolean delete(String key);

    /**
     * Deletes only when the key's modification revision equals {@code expectedModRevision}.
     *
     * @throws StoreConflictException when it does not (or the key is gone)
     */
    void compareAndDelete(String key, long expectedModRevision);

    /**
     * Delivers, in order, every change to keys under {@code prefix} with a revision greater than
     * {@code afterRevision}, then live changes until closed.
     *
     * @throws StoreCompactedException when that history has been compacted
     */
    Watch watch(String prefix, long afterRevision, WatchListener listener);

    /** Drops history at and below {@code revision}; returns the new compacted revision. */
    long compact(long revision);

    /** The revision at and below which history has been dropped. */
    long compactedRevision();

    /** A short human description, e.g. {@code mvstore /var/lib/outpost/server/db/state.mv}. */
    String describe();
}
