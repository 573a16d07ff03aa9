/**
 * The durable outbox: an append-only log on local disk that readings and alerts enter before they
 * count as taken, and that consumers (the agent's link to its server, the upstream MQTT cloud)
 * read through named cursors and acknowledge. A record is deleted only when every cursor has
 * acknowledged it.
 */
@Version("1.0.0")
@Export
package org.outpost.outbox;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
