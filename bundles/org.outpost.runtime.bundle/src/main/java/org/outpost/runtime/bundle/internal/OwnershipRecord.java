package org.outpost.runtime.bundle.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the runtime owns, kept across restarts in {@code <data-dir>/agent/bundle-runtime.json}: the
 * holdings of the instances and what each holder installed itself. A record that cannot be read is
 * set aside for a person to look at; the runtime then starts empty and never uninstalls what was
 * there. A record that cannot be written is logged; the runtime goes on.
 */
final class OwnershipRecord {
    private static final Logger LOG = LoggerFactory.getLogger(OwnershipRecord.class);

    private final RecordFile file;

    OwnershipRecord(Path path) {
        this.file = new RecordFile(path);
    }

    Path path() {
        return file.path();
    }

    /** The saved record; {@link RuntimeRecord#EMPTY} when there is none or it cannot be read. */
    RuntimeRecord load() {
        try {
            return file.read();
        } catch (IOException e) {
            setAside(e);
            return RuntimeRecord.EMPTY;
        }
    }

    /** Writes the holdings that hold anything, in the order of their ids, and what the holders installed. */
    void save(Collection<Holding> holdings, BundleHolder bundles, FeatureHolder features, PackageHolder packages) {
        List<Holding> held = holdings.stream()
                .filter(holding -> !holding.holdsNothing())
                .sorted(Comparator.comparing(Holding::id))
                .toList();
        try {
            file.write(new RuntimeRecord(held, bundles.installed(), features.installed(), features.addedRepositories(),
                    packages.installed()));
        } catch (IOException e) {
            LOG.error("Cannot write {}: {}; after a restart this runtime may not know what it installed",
                    file.path(), e.getMessage());
        }
    }

    private void setAside(IOException e) {
        LOG.error("Cannot read {} ({}); bundles installed before are used as they are but never uninstalled",
                file.path(), e.getMessage());
        try {
            Path aside = file.setAside();
            LOG.error("The unreadable record is kept as {}", aside);
        } catch (IOException moving) {
            LOG.error("Cannot move the unreadable record {} aside: {}", file.path(), moving.getMessage());
        }
    }
}
