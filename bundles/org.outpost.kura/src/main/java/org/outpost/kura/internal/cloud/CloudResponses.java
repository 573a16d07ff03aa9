package org.outpost.kura.internal.cloud;

import org.outpost.api.OutpostException;
import org.outpost.api.kura.CloudResponse;

/** Outpost's error codes as Kura's response codes. */
final class CloudResponses {

    private CloudResponses() {
    }

    static CloudResponse of(OutpostException e) {
        int code = switch (e.code()) {
            case INVALID_ARGUMENT, CONFLICT -> CloudResponse.BAD_REQUEST;
            case NOT_FOUND -> CloudResponse.NOT_FOUND;
            default -> CloudResponse.ERROR;
        };
        return CloudResponse.error(code, e.getMessage());
    }
}
