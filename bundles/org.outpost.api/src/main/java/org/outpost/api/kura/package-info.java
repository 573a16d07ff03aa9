/**
 * The Kura-compatible face of a gateway: deployment packages (OSGi Deployment Admin) and
 * configuration snapshots in Kura's {@code esf:configurations} XML.
 */
@Version("1.0.0")
@Export
package org.outpost.api.kura;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
