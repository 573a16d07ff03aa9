package org.outpost.api;

import java.nio.charset.StandardCharsets;

/**
 * One stored key. Revisions come from the store's single global counter: {@code createRevision}
 * when the key was (re)created, {@code modRevision} when it was last written; {@code version}
 * counts writes since creation.
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version) {

    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }
}
