package org.outpost.api.device;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's connection to an upstream MQTT broker in Kura's topic layout, registered while it is
 * configured ({@code edge:cloud-connect}).
 */
@ProviderType
public interface CloudUplink {

    /** The configuration PID that {@code edge:cloud-connect} writes. */
    String PID = "org.outpost.cloud.mqtt";

    CloudStatus status();
}
