/**
 * Outpost's cluster security: the cluster CA, server and node certificates, join tokens and the
 * CA-pinning trust manager an agent uses to join. Public signatures use JDK and Outpost API types
 * only; Bouncy Castle stays an implementation detail.
 */
@Version("1.0.0")
@Export
package org.outpost.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
