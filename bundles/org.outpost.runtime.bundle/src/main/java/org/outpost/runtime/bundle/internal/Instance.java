package org.outpost.runtime.bundle.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.outpost.workload.InstanceStatus;
import org.outpost.workload.InstanceStatus.Phase;

/**
 * One workload instance as the runtime keeps it: what it holds, its log, and the outcome of the
 * last apply. A failed apply is tried again after a pause that doubles from
 * {@link #FIRST_RETRY} up to {@link #LAST_RETRY}, or at once for a new spec, so that a bundle that
 * cannot be downloaded now is installed once it can, without installing and uninstalling it on
 * every pass of the agent.
 *
 * <p>The holding is changed only under the runtime's lock; the status also changes when
 * {@code instances()} finds a bundle stopped, from whatever thread asks, so it is guarded by this
 * object's monitor.
 */
final class Instance {
    static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    static final Duration LAST_RETRY = Duration.ofMinutes(5);

    private final String id;
    private final EventLog log;
    private volatile Holding holding;
    private volatile Set<String> watched = Set.of();

    // guarded by this
    private String specHash;
    private Phase phase;
    private String reason;
    private Instant since;
    private boolean working;
    private String failure;
    private Instant retryAt;
    private Duration nextPause = FIRST_RETRY;

    Instance(String id) {
        this(Holding.nothing(id));
    }

    /** An instance found in the runtime's record. */
    Instance(Holding holding) {
        this.id = holding.id();
        this.log = new EventLog(id);
        this.holding = holding;
        this.specHash = holding.specHash();
    }

    String id() {
        return id;
    }

    EventLog log() {
        return log;
    }

    void note(String text) {
        log.add(text);
    }

    Holding holding() {
        return holding;
    }

    void hold(Holding next) {
        holding = next;
    }

    /** The bundle locations whose events go to this instance's log. */
    Set<String> watched() {
        return watched;
    }

    void watch(Set<String> locations) {
        watched = Set.copyOf(locations);
    }

    /** Whether apply should act now: at once for a new spec; after a failure, once its pause is over. */
    synchronized boolean dueFor(String spec, Instant now) {
        if (!Objects.equals(spec, specHash)) {
            specHash = spec;
            retryAt = null;
            nextPause = FIRST_RETRY;
            return true;
        }
        return failure == null || retryAt == null || !now.isBefore(retryAt);
    }

    /** Ends the pause after a failure, e.g. because what was missing has come. */
    synchronized void retrySoon() {
        retryAt = null;
    }

    synchronized void working(String what) {
        working = true;
        show(Phase.Pending, what);
    }

    synchronized InstanceStatus succeeded(Verdict now) {
        working = false;
        failure = null;
        retryAt = null;
        nextPause = FIRST_RETRY;
        return show(now.phase(), now.reason());
    }

    synchronized InstanceStatus failed(String why) {
        working = false;
        failure = why;
        retryAt = Instant.now().plus(nextPause);
        nextPause = nextPause.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : nextPause.multipliedBy(2);
        return show(Phase.Failed, why);
    }

    /** The status with the bundles' state {@code now}; while an apply works on it, or after one failed, that says more. */
    synchronized InstanceStatus settle(Verdict now) {
        if (working) {
            return current();
        }
        if (failure != null) {
            return show(Phase.Failed, failure);
        }
        return show(now.phase(), now.reason());
    }

    /** The last status shown, as it was; only after an apply has settled it. */
    synchronized InstanceStatus lastStatus() {
        return current();
    }

    private InstanceStatus show(Phase nextPhase, String nextReason) {
        if (nextPhase != phase || !Objects.equals(nextReason, reason)) {
            if (nextPhase != phase) {
                since = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            }
            phase = nextPhase;
            reason = nextReason;
            log.add(phase.name().toLowerCase(Locale.ROOT) + (reason == null ? "" : ": " + reason));
        }
        return current();
    }

    private InstanceStatus current() {
        return new InstanceStatus(id, specHash, phase, reason, 0, null, since.toString());
    }
}
