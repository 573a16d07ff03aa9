package org.outpost.device.linux.internal;

import java.io.IOException;

/** One value of the host, taken from a sample: a Double, or a Long for byte counts and fan speeds. */
@FunctionalInterface
interface HostSource {

    /**
     * @throws SourceMissingException when this machine does not have the source
     * @throws IOException when it could not be read
     */
    Object read(HostSample sample) throws IOException;
}
