package org.outpost.telemetry.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic task that survives its own failures: a ScheduledExecutorService never runs a
 * periodic task again once it throws, which would silently stop rule windows or status reports
 * for good. The failure is logged (once until the task succeeds again); an OutOfMemoryError is
 * passed on, it ends the process.
 */
final class SurvivingTask implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SurvivingTask.class);

    private final String what;
    private final Runnable task;
    private boolean failing;

    SurvivingTask(String what, Runnable task) {
        this.what = what;
        this.task = task;
    }

    @Override
    public void run() {
        try {
            task.run();
            failing = false;
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            if (!failing) {
                LOG.error("{} failed; it runs again at its next period", what, e);
                failing = true;
            }
        }
    }
}
