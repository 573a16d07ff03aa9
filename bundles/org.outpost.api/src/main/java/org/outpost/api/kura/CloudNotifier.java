package org.outpost.api.kura;

import java.util.Map;

/**
 * Publishes progress of a request, as Kura's deployment does, to
 * {@code $EDC/<account>/<requester>/<application>/NOTIFY/<client-id>/<resource>}.
 */
@FunctionalInterface
public interface CloudNotifier {
    void notify(String resource, Map<String, Object> metrics);
}
