package org.outpost.cloud.mqtt.internal;

import java.util.List;

/**
 * Where requests from the cloud ({@code $EDC/<account>/<client-id>/<APP>-V<n>/<METHOD>/...}, e.g.
 * DEPLOY-V2) go. The uplink subscribes to the request topics of every application named here on
 * each connect, lists them in the BIRTH's {@code application_ids}, and hands every message that
 * arrives to {@link #arrived}. No application is served yet ({@link #NONE}).
 */
interface ControlRequests {

    /** Control applications served, e.g. {@code DEPLOY-V2}. */
    List<String> applications();

    /**
     * A message on one of the request topics. Runs on the MQTT client's callback thread: hand the
     * work to an executor, never block.
     */
    void arrived(String topic, byte[] payload);

    ControlRequests NONE = new ControlRequests() {
        @Override
        public List<String> applications() {
            return List.of();
        }

        @Override
        public void arrived(String topic, byte[] payload) {
            // nothing subscribes while no application is served
        }
    };
}
