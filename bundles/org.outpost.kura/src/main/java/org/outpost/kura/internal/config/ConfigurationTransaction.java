package org.outpost.kura.internal.config;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.osgi.service.cm.ConfigurationAdmin;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/**
 * Applies planned changes in order; when Config Admin fails one, the changes already made are
 * undone, newest first, so the configuration is as it was before.
 */
final class ConfigurationTransaction {
    private final ConfigurationAdmin configAdmin;

    ConfigurationTransaction(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    /** @throws OutpostException {@code INTERNAL} naming the change that failed and whether undoing worked */
    void apply(List<ConfigurationChange> changes) {
        Deque<Applied> applied = new ArrayDeque<>();
        for (ConfigurationChange change : changes) {
            try {
                applied.push(new Applied(change.label(), change.apply(configAdmin)));
            } catch (IOException | RuntimeException e) {
                int made = applied.size();
                List<String> undoFailures = undo(applied);
                String outcome = undoFailures.isEmpty()
                        ? (made == 0 ? "nothing had been changed" : "the " + made + " change" + (made == 1 ? "" : "s")
                                + " made before it were undone")
                        : "undoing the changes made before it failed for " + String.join("; ", undoFailures);
                throw new OutpostException(ErrorCode.INTERNAL, "configuration not applied: Config Admin refused "
                        + change.label() + ": " + e.getMessage() + "; " + outcome, e);
            }
        }
    }

    private static List<String> undo(Deque<Applied> applied) {
        List<String> failures = new ArrayList<>();
        while (!applied.isEmpty()) {
            Applied change = applied.pop();
            try {
                change.undo().run();
            } catch (IOException | RuntimeException e) {
                failures.add(change.label() + " (" + e.getMessage() + ")");
            }
        }
        return failures;
    }

    private record Applied(String label, ConfigurationChange.Undo undo) {
    }
}
