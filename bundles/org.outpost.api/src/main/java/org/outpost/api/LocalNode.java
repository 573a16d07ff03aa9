package org.outpost.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** This JVM's node: its name, data directory and configured role. */
@ProviderType
public interface LocalNode {

    String name();

    /** {@code server} or {@code agent}. */
    String role();

    /** The instance's data directory ({@code --data-dir}). */
    Path dataDir();

    Map<String, String> labels();

    String version();

    Instant started();
}
