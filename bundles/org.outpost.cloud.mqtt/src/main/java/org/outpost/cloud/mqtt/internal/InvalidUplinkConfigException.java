package org.outpost.cloud.mqtt.internal;

import java.util.List;

/** The uplink configuration cannot be used; {@link #problems()} names each key that is wrong. */
final class InvalidUplinkConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    InvalidUplinkConfigException(List<String> problems) {
        super("invalid cloud uplink configuration: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    List<String> problems() {
        return problems;
    }
}
