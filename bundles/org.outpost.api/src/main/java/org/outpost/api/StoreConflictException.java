package org.outpost.api;

/** A compare-and-set found a different modification revision than expected. */
public class StoreConflictException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final long actualModRevision;

    public StoreConflictException(String key, long expectedModRevision, long actualModRevision) {
        super(ErrorCode.CONFLICT, "key " + key + " is at revision " + actualModRevision
                + ", expected " + expectedModRevision);
        this.key = key;
        this.actualModRevision = actualModRevision;
    }

    public String key() {
        return key;
    }

    /** The key's current modification revision; 0 when the key does not exist. */
    public long actualModRevision() {
        return actualModRevision;
    }
}
