/**
 * Devices at the edge: the device and channel model, readings with their quality, and the driver
 * SPI that sensor drivers implement as OSGi services (whiteboard). A device is a factory
 * configuration in Eclipse Kura's asset layout ({@link DeviceConfig}), so Config Admin, etc/*.cfg
 * files and the edge: commands manage the same thing. Interfaces and records only; no third-party
 * types.
 */
@Version("1.2.0")
@Export
package org.outpost.api.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
