package org.outpost.node.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.outpost.api.ServerState;

/**
 * Waits for the server role to come up: until the server registers {@link ServerState}, or one of
 * the server role's components fails to activate (its port is taken, its store cannot be opened),
 * whose reason is then the answer, or until the time is up.
 */
final class ServerStartWatch {
    /** The bundles whose components make the server: a failure in any of them means it will not start. */
    static final Set<String> SERVER_BUNDLES = Set.of("org.outpost.server", "org.outpost.store.mvstore", "org.outpost.scheduler");
    /** How often SCR is asked whether a server component failed. */
    static final Duration FAILURE_POLL = Duration.ofMillis(100);

    /** How the wait ended; {@code failure} is a sentence when the server cannot start. */
    record Outcome(boolean started, Optional<String> failure) {
        static Outcome up() {
            return new Outcome(true, Optional.empty());
        }
    }

    private final BundleContext context;
    private final ServiceComponentRuntime components;

    ServerStartWatch(BundleContext context, ServiceComponentRuntime components) {
        this.context = context;
        this.components = components;
    }

    /**
     * The server's state is taken the moment it is registered; SCR tells of a failed activation
     * through no event, so its components are read every {@link #FAILURE_POLL}. A failed component
     * ends the wait at once.
     */
    Outcome await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ServiceArrival server = new ServiceArrival(context, ServerState.class.getName())) {
            while (!server.await(FAILURE_POLL)) {
                Optional<String> failure = failure();
                if (failure.isPresent()) {
                    return new Outcome(false, failure);
                }
                if (System.nanoTime() > deadline) {
                    return new Outcome(false, Optional.empty());
                }
            }
            return Outcome.up();
        }
    }

    /** The first server component that failed to activate, as the sentence its exception carries. */
    Optional<String> failure() {
        for (ComponentDescriptionDTO description : components.getComponentDescriptionDTOs()) {
            if (description.bundle == null || !SERVER_BUNDLES.contains(description.bundle.symbolicName)) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : components.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    return Optional.of(reason(configuration.failure));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The failure as SCR records it is a stack trace; the operator needs the innermost message
     * of Outpost's own or the first line without the exception's class name.
     */
    static String reason(String failure) {
        if (failure == null || failure.isBlank()) {
            return "a server component failed to start";
        }
        String chosen = null;
        for (String line : failure.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("at ") || trimmed.startsWith("...") || trimmed.isEmpty()) {
                continue;
            }
            String text = trimmed.startsWith("Caused by: ") ? trimmed.substring("Caused by: ".length()) : trimmed;
            if (chosen == null || text.startsWith("org.outpost.")) {
                chosen = text;
            }
        }
        int colon = chosen == null ? -1 : chosen.indexOf(": ");
        if (colon > 0 && chosen.substring(0, colon).matches("[\\w.$]+")) {
            return chosen.substring(colon + 2);
        }
        return chosen == null ? "a server component failed to start" : chosen;
    }
}
