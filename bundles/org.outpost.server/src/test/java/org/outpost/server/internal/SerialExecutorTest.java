package org.outpost.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void runsTasksOneAtATimeInSubmissionOrder() {
        SerialExecutor serial = new SerialExecutor(pool);
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1000);

        for (int i = 0; i < 1000; i++) {
            int n = i;
            serial.execute(() -> {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                ran.add(n);
                running.decrementAndGet();
                done.countDown();
            });
        }

        Await.latch(done, "every task ran");
        assertEquals(IntStream.range(0, 1000).boxed().toList(), ran);
        assertEquals(1, maxRunning.get(), "never two at once");
    }

    @Test
    void aFailingTaskDoesNotStopTheOnesAfterIt() {
        SerialExecutor serial = new SerialExecutor(pool);
        CountDownLatch after = new CountDownLatch(1);

        serial.execute(() -> {
            throw new IllegalStateException("boom");
        });
        serial.execute(after::countDown);

        Await.latch(after, "the task after the failing one ran");
    }

    @Test
    void tasksAfterAnErrorStillRunAndEachErrorIsReportedOnce() {
        List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
        ExecutorService reporting = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable);
            thread.setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
            return thread;
        });
        try {
            SerialExecutor serial = new SerialExecutor(reporting);
            List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(1);
            List<Error> errors = List.of(new StackOverflowError("deep"), new AssertionError("bug"),
                    new LinkageError("bundle went away"));
            for (int i = 0; i < errors.size(); i++) {
                Error error = errors.get(i);
                int n = i;
                serial.execute(() -> ran.add(n));
                serial.execute(() -> {
                    throw error;
                });
            }
            serial.execute(() -> ran.add(99));
            serial.execute(done::countDown);

            Await.latch(done, "the tasks queued after three Errors ran");
            assertEquals(List.of(0, 1, 2, 99), ran);
            Await.until("every Error reached the uncaught-exception handler", () -> uncaught.size() == errors.size());
            assertEquals(Set.copyOf(errors), Set.copyOf(uncaught), "each Error reported once");

            CountDownLatch later = new CountDownLatch(1);
            serial.execute(later::countDown);
            Await.latch(later, "a task submitted after the queue ran dry runs (the running flag was cleared)");
        } finally {
            reporting.shutdownNow();
        }
    }

    @Test
    void anErrorInTheLastQueuedTaskClearsTheRunningFlag() {
        SerialExecutor serial = new SerialExecutor(pool);
        CountDownLatch failed = new CountDownLatch(1);
        serial.execute(() -> {
            failed.countDown();
            throw new StackOverflowError("deep");
        });
        Await.latch(failed, "the failing task ran");

        CountDownLatch next = new CountDownLatch(1);
        serial.execute(next::countDown);
        Await.latch(next, "the next task runs although the one before threw an Error");
    }

    @Test
    void separateSerialExecutorsRunInParallel() {
        SerialExecutor a = new SerialExecutor(pool);
        SerialExecutor b = new SerialExecutor(pool);
        CountDownLatch bothStarted = new CountDownLatch(2);
        CountDownLatch finished = new CountDownLatch(2);
        Runnable meet = () -> {
            bothStarted.countDown();
            Await.latch(bothStarted, "the other executor's task started too");
            finished.countDown();
        };

        a.execute(meet);
        b.execute(meet);

        Await.latch(finished, "both tasks finished");
        assertTrue(bothStarted.getCount() == 0);
    }
}
