package org.outpost.api;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives a watch's events in revision order, on one thread per watch. */
@ConsumerType
public interface WatchListener {

    void onEvent(WatchEvent event);

    /** The watch ended because of a failure (for example the store closed). */
    default void onClose(StoreException reason) {
    }
}
