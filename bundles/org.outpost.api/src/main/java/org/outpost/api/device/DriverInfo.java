package org.outpost.api.device;

import java.util.List;

/**
 * An installed driver.
 *
 * @param bundle the symbolic name and version of the bundle that provides it
 */
public record DriverInfo(String type, String description, List<String> channelArguments, String bundle) {

    public DriverInfo {
        channelArguments = List.copyOf(channelArguments);
    }
}
