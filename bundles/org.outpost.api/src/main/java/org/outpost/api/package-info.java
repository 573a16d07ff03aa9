/**
 * Outpost's public model and service interfaces: the cluster store SPI, nodes, join tokens and
 * the local node's view of itself. Interfaces and records only; no third-party types.
 */
@Version("2.2.0")
@Export
package org.outpost.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
