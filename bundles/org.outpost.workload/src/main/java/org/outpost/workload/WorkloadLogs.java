package org.outpost.workload;

import java.io.Closeable;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads a workload instance's log on its node, through the node's agent channel. Available on the
 * server.
 */
@ProviderType
public interface WorkloadLogs {

    /**
     * Starts streaming; lines arrive on a server thread. Closing the handle stops a follow.
     *
     * @param id        {@link Assignment#id()}
     * @param tailLines the last lines to send first; negative for all
     * @throws org.outpost.api.OutpostException {@code UNAVAILABLE} when the node is not connected
     */
    Closeable stream(String node, String id, int tailLines, boolean follow, Listener listener);

    /** Receives one stream. */
    interface Listener {
        void line(String line);

        /** The stream ended: {@code error} is null when all was sent, else why it stopped. */
        void ended(String error);
    }
}
