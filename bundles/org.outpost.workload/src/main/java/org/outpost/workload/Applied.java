package org.outpost.workload;

import java.util.Locale;

/** What applying one workload did, as kubectl says it: created, configured or unchanged. */
public record Applied(Workload workload, Outcome outcome, long generation) {

    public enum Outcome {
        CREATED, CONFIGURED, UNCHANGED;

        /** {@code created}, {@code configured}, {@code unchanged}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code deployment/thermo created}. */
    @Override
    public String toString() {
        return workload.kind().manifestName().toLowerCase(Locale.ROOT) + "/" + workload.name() + " " + outcome.word();
    }
}
