package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class SurvivingTaskTest {

    @Test
    void aPeriodicTaskKeepsRunningAfterItThrowsErrorsAndExceptions() throws InterruptedException {
        ScheduledExecutorService ticker = new ScheduledThreadPoolExecutor(1);
        try {
            List<Throwable> failures = List.of(new StackOverflowError("deep"), new AssertionError("bug"),
                    new LinkageError("driver bundle went away"), new IllegalStateException("bad state"));
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch ranAfterFailures = new CountDownLatch(3);
            ticker.scheduleAtFixedRate(new SurvivingTask("the test task", () -> {
                int run = runs.getAndIncrement();
                if (run < failures.size()) {
                    Throwable failure = failures.get(run);
                    if (failure instanceof Error error) {
                        throw error;
                    }
                    throw (RuntimeException) failure;
                }
                ranAfterFailures.countDown();
            }), 0, 5, TimeUnit.MILLISECONDS);

            assertTrue(ranAfterFailures.await(30, TimeUnit.SECONDS), "the task ran on after four failures, runs: " + runs);
        } finally {
            ticker.shutdownNow();
        }
    }
}
