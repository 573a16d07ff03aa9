package org.outpost.server.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: per-session ordering off the
 * event loop. A task that fails, even with an {@link Error}, does not stop the tasks queued after it.
 */
final class SerialExecutor implements Executor {
    private final Executor pool;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        startDrain();
    }

    private void startDrain() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // the pool is shutting down: nothing will run these tasks, so a later execute may try again
            synchronized (tasks) {
                running = false;
            }
            throw e;
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException e) {
                // a failing task must not stop the ones queued after it; callers handle their own errors
            } catch (Error e) {
                // The rest of the queue continues in a fresh drain; the Error itself goes on to the
                // pool thread's uncaught-exception handler (logged once there), and an
                // OutOfMemoryError ends the process (-XX:+ExitOnOutOfMemoryError).
                continueAfterError();
                throw e;
            }
        }
    }

    private void continueAfterError() {
        synchronized (tasks) {
            if (tasks.isEmpty()) {
                running = false;
                return;
            }
        }
        try {
            startDrain();
        } catch (RejectedExecutionException shuttingDown) {
            // nothing left to run them on
        }
    }
}
