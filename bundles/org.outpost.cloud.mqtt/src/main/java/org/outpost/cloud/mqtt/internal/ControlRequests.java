package org.outpost.cloud.mqtt.internal;

import java.util.List;

/**
 * Where requests from the cloud ({@code $EDC/<account>/<client-id>/<APP>-V<n>/<METHOD>/...}, e.g.
 * DEPLOY-V2) go. The uplink subscribes to the request topics of every application named here,
 * lists them in the BIRTH's {@code application_ids}, and hands every message that arrives to
 * {@link #arrived} with a way to publish the reply.
 */
interface ControlRequests {

    /** Publishes a reply or notification (QoS 1) on the current connection. */
    @FunctionalInterface
    interface Replies {
        void publish(String topic, byte[] payload);
    }

    /** Control applications served now, e.g. {@code DEPLOY-V2}. */
    List<String> applications();

    /**
     * A message on one of the request topics. Runs on the MQTT client's callback thread: hand the
     * work to an executor, never block.
     */
    void arrived(KuraTopics topics, String topic, byte[] payload, Replies replies);

    /** Called when {@link #applications()} changes, e.g. to resubscribe and publish MQTT/APPS. */
    default void onChange(Runnable listener) {
    }

    default void forget(Runnable listener) {
    }

    ControlRequests NONE = new ControlRequests() {
        @Override
        public List<String> applications() {
            return List.of();
        }

        @Override
        public void arrived(KuraTopics topics, String topic, byte[] payload, Replies replies) {
            // nothing subscribes while no application is served
        }
    };
}
