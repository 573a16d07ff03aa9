package org.outpost.telemetry.internal;

import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.outpost.api.device.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's local rules: the factory configurations of {@code org.outpost.rule}, each read as a
 * {@link RuleConfiguration}. A configuration that cannot be read is ignored with one warning (and
 * drops the rule it held before). {@code changed} runs after every change.
 */
final class RuleConfigurations extends ConfigFactory {
    private static final Logger LOG = LoggerFactory.getLogger(RuleConfigurations.class);

    private final Map<String, Rule> byPid = new ConcurrentHashMap<>();
    private final Runnable changed;

    RuleConfigurations(Runnable changed) {
        super("rules");
        this.changed = changed;
    }

    @Override
    void update(String pid, Dictionary<String, ?> properties) {
        try {
            byPid.put(pid, RuleProperties.parse(ConfigFactory.toMap(properties), Rule.ORIGIN_LOCAL));
        } catch (IllegalArgumentException e) {
            byPid.remove(pid);
            LOG.warn("Rule configuration {} ignored: {}", pid, e.getMessage());
        }
        changed.run();
    }

    @Override
    public void deleted(String pid) {
        byPid.remove(pid);
        changed.run();
    }

    /** The rules of every configuration that could be read, in no particular order. */
    List<Rule> rules() {
        return List.copyOf(byPid.values());
    }
}
