package org.outpost.api;

import org.osgi.annotation.versioning.ProviderType;

/** What a running server tells about itself. */
@ProviderType
public interface ServerState {

    /** The HTTPS URL agents and the admin API use, e.g. {@code https://127.0.0.1:6443}. */
    String url();

    /** The file holding the admin API credential (a bearer token). */
    java.nio.file.Path adminTokenFile();

    java.nio.file.Path nodeTokenFile();
}
