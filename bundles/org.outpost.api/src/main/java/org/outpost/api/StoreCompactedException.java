package org.outpost.api;

/** A watch asked for history that compaction has already removed. */
public class StoreCompactedException extends StoreException {
    private static final long serialVersionUID = 1L;
    private final long compactedRevision;

    public StoreCompactedException(long requested, long compactedRevision) {
        super(ErrorCode.GONE, "revision " + requested + " has been compacted (history starts after "
                + compactedRevision + "); list again and watch from the current revision");
        this.compactedRevision = compactedRevision;
    }

    public long compactedRevision() {
        return compactedRevision;
    }
}
