package org.outpost.kura.internal.rest;

/**
 * One of Kura's REST services on the gateway's HTTPS port, e.g. {@code /services/deploy/v2}.
 * Registered as an OSGi service of this bundle; the server routes by the longest matching base path.
 * {@link #handle} runs on a worker thread, never on the event loop, and may block.
 */
public interface RestResource {

    /** The path this resource answers below, without a trailing slash, e.g. {@code /services/assets}. */
    String basePath();

    /**
     * @throws org.outpost.api.OutpostException for a request it refuses; the server turns it into
     *         a JSON error with the exception's code
     */
    RestResponse handle(RestRequest request) throws Exception;
}
