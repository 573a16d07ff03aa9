package org.outpost.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconnectLoopTest {
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2);
    /** Attempts as they start; the test ends each one by hand, like a channel that closes. */
    private final BlockingQueue<Long> started = new LinkedBlockingQueue<>();
    private final List<Long> all = new CopyOnWriteArrayList<>();
    private final ReconnectLoop loop = new ReconnectLoop(executor, id -> {
        all.add(id);
        started.add(id);
    });

    @AfterEach
    void stop() {
        loop.stop();
        executor.shutdownNow();
    }

    private long nextAttempt() throws InterruptedException {
        Long id = started.poll(5, TimeUnit.SECONDS);
        if (id == null) {
            throw new AssertionError("no attempt started within 5 s; attempts so far: " + all);
        }
        return id;
    }

    /** Waits until the executor has run everything due now, so a wrongly started attempt would show. */
    private void settle() throws Exception {
        settle(50);
    }

    /** Waits until the executor has run everything due within the next {@code millis}. */
    private void settle(long millis) throws Exception {
        executor.schedule(() -> { }, millis, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
    }

    @Test
    void wakeUpDuringAnAttemptDoesNotStartASecondOne() throws Exception {
        loop.start();
        long first = nextAttempt();
        loop.now(); // the server appears while the first attempt is still connecting
        loop.now();
        loop.start();
        settle();
        assertEquals(List.of(first), all, "only the attempt under way");
        assertTrue(loop.attempting());
        loop.ended(first, Duration.ZERO);
        long second = nextAttempt();
        settle();
        assertEquals(List.of(first, second), all);
    }

    @Test
    void anAttemptEndsOnce() throws Exception {
        loop.start();
        long first = nextAttempt();
        loop.ended(first, Duration.ofMillis(10)); // the connect listener
        loop.ended(first, Duration.ofMillis(10)); // and a close listener of the same attempt
        long second = nextAttempt();
        settle();
        assertEquals(List.of(first, second), all, "one follow-up attempt, not two");
        loop.ended(first, Duration.ZERO); // late news of an old attempt changes nothing
        settle();
        assertEquals(2, all.size());
    }

    @Test
    void wakeUpCutsAWaitShortAndTheWaitDoesNotFireAfterwards() throws Exception {
        loop.start();
        long first = nextAttempt();
        loop.ended(first, Duration.ofMillis(300));
        assertFalse(loop.attempting());
        long wokenAt = System.nanoTime();
        loop.now();
        long second = nextAttempt();
        assertTrue(System.nanoTime() - wokenAt < TimeUnit.MILLISECONDS.toNanos(250), "started before the wait was over");
        settle(400); // past the original wait: it must not start an attempt of its own
        assertEquals(List.of(first, second), all);
    }

    @Test
    void stoppedLoopStartsNothing() throws Exception {
        loop.start();
        long first = nextAttempt();
        loop.stop();
        loop.ended(first, Duration.ZERO);
        loop.now();
        settle();
        assertEquals(List.of(first), all);
    }
}
