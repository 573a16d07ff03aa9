package org.outpost.api;

/** A failure a person can act on: a stable code plus a sentence. */
public class OutpostException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public OutpostException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public OutpostException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
