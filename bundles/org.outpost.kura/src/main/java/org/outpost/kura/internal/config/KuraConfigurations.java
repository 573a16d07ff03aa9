package org.outpost.kura.internal.config;

import java.util.List;

import org.outpost.api.kura.ConfigurationSnapshots;

/**
 * The snapshot service as Kura's REST resource needs it: components with their Metatype
 * descriptions, a stored snapshot's components, and updates that may skip the snapshot.
 */
public interface KuraConfigurations extends ConfigurationSnapshots {

    /** The configurable components now, in a stable order. */
    List<ConfigurableComponent> configurableComponents();

    /** The factory PIDs whose configurations are configurable components, sorted. */
    List<String> factoryPids();

    /** The components of a stored snapshot (as written: passwords are placeholders). */
    List<KuraComponent> snapshotComponents(long id);

    /**
     * Merges the given properties over the components' current ones (a null value removes one),
     * all or nothing, then takes one snapshot when asked.
     *
     * @throws org.outpost.api.OutpostException {@code INVALID_ARGUMENT} naming every problem, the
     *         parse problems in {@code changes} included
     */
    void update(ParsedConfiguration changes, boolean takeSnapshot);
}
