package org.outpost.api.kura;

import java.util.List;

import org.outpost.api.OutpostException;

/**
 * The gateway's configuration as Kura keeps it: configurable components (Config Admin PIDs that
 * Metatype describes, plus devices and rules), and numbered snapshots of all of them in Kura's
 * {@code esf:configurations} XML. A snapshot is taken after every change; the newest ones are kept.
 */
public interface ConfigurationSnapshots {

    /** The current configurable components with their properties. */
    List<ComponentConfiguration> components();

    /**
     * Validates every property of every given component against its Metatype description, then
     * applies them all, or none.
     *
     * @throws OutpostException {@code INVALID_ARGUMENT} naming each property that is not valid
     */
    void update(List<ComponentConfiguration> changes);

    /** Snapshot ids (creation time in epoch milliseconds, as in Kura), oldest first. */
    List<Long> snapshotIds();

    /** Takes a snapshot of the current configuration now and returns its id. */
    long takeSnapshot();

    /** The current configuration as {@code esf:configurations} XML. */
    String exportCurrent();

    /** @throws OutpostException {@code NOT_FOUND} for an unknown id */
    String export(long id);

    /**
     * Applies a snapshot document: all components in it are validated first and applied only
     * when all are valid. Returns the id of the snapshot taken afterwards.
     *
     * @throws OutpostException {@code INVALID_ARGUMENT} for XML that is not a snapshot, or naming
     *                          each property that is not valid
     */
    long importXml(String xml);

    /** Applies snapshot {@code id} as {@link #importXml} would, returning the new snapshot's id. */
    long rollback(long id);
}
