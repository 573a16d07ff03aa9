package org.outpost.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a node is stays what it was started as: an option given now wins and is recorded in the
 * instance's {@code etc/*.cfg}; an option left out keeps the value recorded at an earlier start
 * (or set since, e.g. by {@code config:edit}); the default applies only when nothing is recorded,
 * at the first start. A service unit or a person restarting a node after a crash therefore does
 * not change its labels, name, runtime, server or ports.
 */
final class RecordedOptions {
    /** Where an option is kept: the configuration PID (file {@code etc/PID.cfg}) and key. */
    record Place(String pid, String key) {
    }

    static final Map<String, Place> PLACES = Map.ofEntries(
            Map.entry("node-name", new Place("org.outpost.node", "nodeName")),
            Map.entry("labels", new Place("org.outpost.node", "labels")),
            Map.entry("runtime", new Place("org.outpost.node", "runtimes")),
            Map.entry("bind", new Place("org.outpost.server", "bindAddress")),
            Map.entry("https-port", new Place("org.outpost.server", "httpsPort")),
            Map.entry("node-timeout", new Place("org.outpost.server", "nodeTimeoutSeconds")),
            Map.entry("eviction-timeout", new Place("org.outpost.scheduler", "evictionTimeoutSeconds")),
            Map.entry("max-instances-per-node", new Place("org.outpost.scheduler", "maxInstancesPerNode")),
            Map.entry("server", new Place("org.outpost.agent", "serverUrl")),
            Map.entry("token-file", new Place("org.outpost.agent", "tokenFile")));

    private final Arguments given;
    private final Path etc;

    RecordedOptions(Arguments given, Path etc) {
        this.given = given;
        this.etc = etc;
    }

    /**
     * The option's value for this start: given, else recorded, else {@code firstStartDefault}
     * (which may be null: no value).
     */
    String value(String option, String firstStartDefault) throws IOException {
        if (given.has(option)) {
            return given.get(option);
        }
        String recorded = recorded(option);
        return recorded != null ? recorded : firstStartDefault;
    }

    /** The value kept in the instance's configuration, or null when there is none. */
    String recorded(String option) throws IOException {
        Place place = PLACES.get(option);
        if (place == null) {
            throw new IllegalArgumentException("option --" + option + " is not recorded");
        }
        return CfgFile.get(etc.resolve(place.pid() + ".cfg"), place.key());
    }
}
