package org.outpost.store.mvstore.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** The sentence a person reads when the store is refused: what is wrong and the ways out. */
public final class DamageReport {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);

    private DamageReport() {
    }

    /** Names the file, the damage and, after checking the backup, whether --restore-backup can help. */
    public static String sentence(StoreDamagedException damaged) {
        Path file = damaged.file();
        Path backup = StoreBackup.backupOf(file);
        String start = "the cluster store " + file + " is damaged (" + damaged.damage() + ")";
        Optional<StoreBackup.Info> usable;
        try {
            usable = StoreBackup.inspect(backup, MVStoreKv.FORMAT);
        } catch (IOException e) {
            return start + " and its backup " + backup + " is damaged too (" + e.getMessage()
                    + "); move the file away to start a new cluster";
        }
        if (usable.isEmpty()) {
            return start + " and there is no verified backup (" + backup.getFileName()
                    + "); move the file away to start a new cluster";
        }
        StoreBackup.Info info = usable.get();
        return start + "; start with --restore-backup to return to the verified backup of "
                + TIME.format(info.written().atZone(ZoneId.systemDefault())) + " (revision " + info.revision()
                + "), or move the file away to start a new cluster";
    }
}
