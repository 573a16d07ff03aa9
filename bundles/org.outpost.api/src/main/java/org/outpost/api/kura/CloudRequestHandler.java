package org.outpost.api.kura;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A control application the cloud can call over the upstream MQTT connection, in Kura's request
 * namespace: {@code $EDC/<account>/<client-id>/<application>/<METHOD>/<resource>...} with the
 * metrics {@code request.id} and {@code requester.client.id}; the reply goes to
 * {@code $EDC/<account>/<requester>/<application>/REPLY/<request.id>}. Register one as an OSGi
 * service (whiteboard); the uplink subscribes to its topics, lists it in the BIRTH's
 * {@code application_ids} and republishes {@code MQTT/APPS} when the set changes.
 */
@ConsumerType
public interface CloudRequestHandler {

    /** The application id, e.g. {@code DEPLOY-V2} or {@code CONF-V2}. */
    String application();

    /**
     * Handles one request. Runs on a worker thread of the uplink and may block (an install, a
     * configuration change); requests to one application are handled one at a time.
     */
    CloudResponse handle(CloudRequest request);
}
