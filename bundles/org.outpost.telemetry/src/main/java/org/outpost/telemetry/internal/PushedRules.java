package org.outpost.telemetry.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.outpost.api.device.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The rules the server pushed for this node ({@code rules} messages), kept in
 * {@link ServerRulesFile} so they hold while the server is away. Each push replaces the whole set;
 * an item that cannot be read is left out with a warning.
 */
final class PushedRules {
    private static final Logger LOG = LoggerFactory.getLogger(PushedRules.class);

    private final ServerRulesFile file;
    private final ObjectMapper json;
    private volatile List<Rule> rules;

    /** Starts with the rules of the last push, as the file holds them. */
    PushedRules(ServerRulesFile file, ObjectMapper json) {
        this.file = file;
        this.json = json;
        this.rules = List.copyOf(file.load());
    }

    List<Rule> rules() {
        return rules;
    }

    /**
     * Takes a push: the {@code items} of a {@code rules} message.
     *
     * @return whether the set changed (it is then saved before it is used)
     * @throws IOException when the set cannot be saved; the previous one stays in use
     */
    synchronized boolean received(JsonNode items) throws IOException {
        List<Rule> received = new ArrayList<>();
        for (JsonNode item : items) {
            Map<String, Object> properties = json.convertValue(item, new TypeReference<Map<String, Object>>() { });
            try {
                received.add(RuleProperties.parse(properties, Rule.ORIGIN_SERVER));
            } catch (IllegalArgumentException e) {
                LOG.warn("Rule from the server ignored: {}", e.getMessage());
            }
        }
        if (received.equals(rules)) return false;
        file.save(received);
        rules = List.copyOf(received);
        return true;
    }
}
