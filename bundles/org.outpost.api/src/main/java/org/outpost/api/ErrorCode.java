package org.outpost.api;

/** Stable error codes: one per failure family, each mapped once to an HTTP status. */
public enum ErrorCode {
    INVALID_ARGUMENT(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    CONFLICT(409),
    GONE(410),
    UNAVAILABLE(503),
    INTERNAL(500),
    /** Something with that name exists and belongs to someone else (e.g. a node name at join). */
    ALREADY_EXISTS(409),
    /** Too many requests from one source; the caller may try again later. */
    TOO_MANY_REQUESTS(429);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The lower-case form used in JSON errors, e.g. {@code not_found}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
