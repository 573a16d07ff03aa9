package org.outpost.runtime.docker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the engine answers a ping, remembered for a moment because the agent asks often. The
 * ping runs on a thread of its own: a hung engine never answers, and the unix socket channel has
 * no read timeout, so the caller waits a bounded time instead.
 */
final class EngineHealth implements AutoCloseable {

    static final Duration FRESH_FOR = Duration.ofSeconds(2);
    static final Duration PATIENCE = Duration.ofSeconds(2);

    private record Check(long atNanos, String problem) {
    }

    private final String endpoint;
    private final Runnable ping;
    private final ExecutorService pinger = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "outpost-docker-ping");
        thread.setDaemon(true);
        return thread;
    });
    private Check last;
    private CompletableFuture<Void> pending;

    EngineHealth(String endpoint, Runnable ping) {
        this.endpoint = endpoint;
        this.ping = ping;
    }

    /** Null when the engine answers, else a sentence saying it does not and why. */
    synchronized String problem() {
        long now = System.nanoTime();
        if (last != null && now - last.atNanos() < FRESH_FOR.toNanos()) {
            return last.problem();
        }
        if (pending == null || pending.isDone()) {
            // a ping still stuck from an earlier check is waited on rather than joined by another one
            pending = CompletableFuture.runAsync(ping, pinger);
        }
        last = new Check(System.nanoTime(), await(pending));
        return last.problem();
    }

    private String await(CompletableFuture<Void> answer) {
        try {
            answer.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            return unanswered("no answer within " + PATIENCE.toSeconds() + " s");
        } catch (ExecutionException e) {
            return unanswered(Failures.describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unanswered("interrupted while waiting for it");
        }
    }

    String unanswered(String cause) {
        return "Docker Engine at " + endpoint + " does not answer: " + cause;
    }

    @Override
    public void close() {
        pinger.shutdownNow();
    }
}
