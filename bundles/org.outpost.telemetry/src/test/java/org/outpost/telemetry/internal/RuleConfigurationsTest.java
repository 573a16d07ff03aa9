package org.outpost.telemetry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.outpost.api.device.Rule;

/** Local rules come and go with their configurations; one that cannot be read holds no rule. */
class RuleConfigurationsTest {

    private final AtomicInteger changes = new AtomicInteger();
    private final RuleConfigurations configurations = new RuleConfigurations(changes::incrementAndGet);

    private static Hashtable<String, Object> rule(String name, Object above) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("rule.name", name);
        properties.put("device", "boiler");
        properties.put("channel", "temp");
        properties.put("above", above);
        properties.put("service.pid", "org.outpost.rule~" + name);
        return properties;
    }

    private List<String> names() {
        return configurations.rules().stream().map(Rule::name).sorted().toList();
    }

    @Test
    void configurationsBecomeLocalRulesAndGoWithThem() {
        configurations.updated("org.outpost.rule~hot", rule("hot", 90.0));
        configurations.updated("org.outpost.rule~warm", rule("warm", "60"));
        assertEquals(List.of("hot", "warm"), names());
        assertEquals(Rule.ORIGIN_LOCAL, configurations.rules().get(0).origin());

        configurations.updated("org.outpost.rule~hot", rule("hot", 95.0));
        assertEquals(95.0, configurations.rules().stream().filter(r -> r.name().equals("hot")).findFirst().orElseThrow().above(),
                "an update replaces the rule");

        configurations.deleted("org.outpost.rule~warm");
        assertEquals(List.of("hot"), names());
        assertEquals(4, changes.get(), "every change is passed on");
    }

    @Test
    void aConfigurationThatCannotBeReadDropsTheRuleItHeld() {
        configurations.updated("org.outpost.rule~hot", rule("hot", 90.0));
        configurations.updated("org.outpost.rule~hot", rule("hot", "very"));
        assertEquals(List.of(), names());
        assertEquals(2, changes.get());
        assertEquals("Outpost rules", configurations.getName());
    }
}
