package org.outpost.api;

/** The cluster store could not complete an operation. */
public class StoreException extends OutpostException {
    private static final long serialVersionUID = 1L;

    public StoreException(ErrorCode code, String message) {
        super(code, message);
    }

    public StoreException(String message, Throwable cause) {
        super(ErrorCode.UNAVAILABLE, message, cause);
    }
}
