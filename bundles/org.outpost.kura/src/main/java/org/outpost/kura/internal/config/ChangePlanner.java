package org.outpost.kura.internal.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/**
 * Turns wanted components into Config Admin changes, checking every property of every component
 * first: one problem anywhere and nothing is planned, with every problem named. Components whose
 * properties would not change are left alone.
 */
final class ChangePlanner {

    enum Mode {
        /** Given properties over the current ones; a null value removes one (Kura's REST update). */
        MERGE,
        /** The given properties become the component's (snapshot import). */
        REPLACE,
        /** As REPLACE, and factory configurations the snapshot lacks are deleted (rollback). */
        RESTORE
    }

    private ChangePlanner() {
    }

    /** @throws OutpostException {@code INVALID_ARGUMENT} listing every problem, parse problems included */
    static List<ConfigurationChange> plan(Catalogue catalogue, ParsedConfiguration wanted, Mode mode) {
        List<String> problems = new ArrayList<>(wanted.problems());
        List<ConfigurationChange> changes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> kept = new HashSet<>();
        for (KuraComponent component : wanted.components()) {
            Target target = resolve(catalogue, component, problems);
            if (target == null) continue;
            if (!seen.add(target.factoryPid() + "\u0000" + component.pid())) {
                problems.add(component.label() + ": appears twice");
                continue;
            }
            ConfigurableComponent existing = target.existing();
            boolean exists = existing != null && existing.configuration() != null;
            if (exists) kept.add(existing.configuration().getPid());
            String label = existing != null ? existing.label() : component.label();
            Map<String, Object> current = existing == null ? Map.of() : existing.plainProperties();
            int before = problems.size();
            Map<String, Object> properties = target.schema().compose(current, component.properties(), mode != Mode.MERGE,
                    label, problems);
            if (problems.size() > before) continue;
            boolean unchanged = exists ? target.schema().sameEffect(current, properties)
                    : existing != null && target.schema().sameEffect(Map.of(), properties); // a described PID on its defaults
            if (unchanged) continue;
            target.schema().checkComplete(properties, !exists, component.pid(), label, problems);
            if (problems.size() > before) continue;
            changes.add(change(target, component, properties, label));
        }
        if (mode == Mode.RESTORE) {
            for (ConfigurableComponent component : catalogue.components()) {
                if (component.factoryPid() != null && component.configuration() != null
                        && !kept.contains(component.configuration().getPid())) {
                    changes.add(new ConfigurationChange.Delete(component.configuration(), component.label()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "nothing was applied; " + problems.size()
                    + (problems.size() == 1 ? " problem: " : " problems: ") + String.join("; ", problems));
        }
        return changes;
    }

    private record Target(String factoryPid, ConfigurableComponent existing, ComponentSchema schema) {
    }

    private static Target resolve(Catalogue catalogue, KuraComponent component, List<String> problems) {
        String pid = component.pid();
        if (component.factoryPid() == null) {
            ConfigurableComponent singleton = catalogue.singleton(pid);
            if (singleton != null) return new Target(null, singleton, singleton.schema());
            List<ConfigurableComponent> named = catalogue.factoryComponents(null, pid);
            if (named.size() == 1) return new Target(named.get(0).factoryPid(), named.get(0), named.get(0).schema());
            if (named.size() > 1) {
                problems.add(pid + ": names " + named.size() + " factory configurations; say which with "
                        + KuraComponent.FACTORY_PID_KEY);
                return null;
            }
            problems.add(pid + ": not a configurable component" + (pid.startsWith(ConfigurableComponents.SCOPE_PREFIX)
                    ? " (Metatype does not describe it on this gateway: is its bundle installed?)"
                    : " (only " + ConfigurableComponents.SCOPE_PREFIX + "* PIDs that Metatype describes, devices and rules are)"));
            return null;
        }
        ComponentSchema schema = catalogue.factorySchemas().get(component.factoryPid());
        if (schema == null) {
            problems.add(component.label() + ": " + component.factoryPid() + " is not a configurable factory"
                    + (component.factoryPid().startsWith(ConfigurableComponents.SCOPE_PREFIX)
                            ? " (Metatype does not describe it on this gateway: is its bundle installed?)"
                            : " (only " + ConfigurableComponents.SCOPE_PREFIX + "* factories that Metatype describes, devices and rules are)"));
            return null;
        }
        List<ConfigurableComponent> matching = catalogue.factoryComponents(component.factoryPid(), pid);
        if (matching.size() > 1) {
            List<String> pids = new ArrayList<>();
            for (ConfigurableComponent each : matching) pids.add(each.configuration().getPid());
            problems.add(component.label() + ": several configurations carry this pid (" + String.join(", ", pids)
                    + "); remove all but one first");
            return null;
        }
        if (matching.isEmpty()) {
            String newPid = namedPid(component.factoryPid(), pid);
            for (ConfigurableComponent other : catalogue.components()) {
                if (other.configuration() != null && other.configuration().getPid().equals(newPid)) {
                    problems.add(component.label() + ": its configuration would be " + newPid + ", which exists as '"
                            + other.pid() + "'; rename or remove that one first");
                    return null;
                }
            }
            return new Target(component.factoryPid(), null, schema);
        }
        return new Target(component.factoryPid(), matching.get(0), schema);
    }

    /** The Config Admin PID of the named factory configuration made for a component. */
    private static String namedPid(String factoryPid, String pid) {
        return factoryPid + "~" + name(factoryPid, pid);
    }

    /** A component's pid without its factory's prefix, so a pid like {@code factory~name} keeps its PID. */
    private static String name(String factoryPid, String pid) {
        String namedPrefix = factoryPid + "~";
        return pid.startsWith(namedPrefix) ? pid.substring(namedPrefix.length()) : pid;
    }

    private static ConfigurationChange change(Target target, KuraComponent component, Map<String, Object> properties,
            String label) {
        ConfigurableComponent existing = target.existing();
        if (existing != null && existing.configuration() != null) {
            Map<String, Object> all = new LinkedHashMap<>(PropertyMaps.keptFrameworkKeys(existing.stored()));
            all.putAll(properties);
            return new ConfigurationChange.Update(existing.configuration(), all, label);
        }
        if (target.factoryPid() == null) {
            return new ConfigurationChange.Create(component.pid(), null, null, properties, label);
        }
        String factoryPid = target.factoryPid();
        String name = name(factoryPid, component.pid());
        Map<String, Object> all = new LinkedHashMap<>(properties);
        if (target.schema() instanceof MetatypeSchema && !namedPid(factoryPid, component.pid()).equals(component.pid())) {
            all.put(KuraComponent.KURA_PID_KEY, component.pid()); // so the next snapshot names it as this one did
        }
        return new ConfigurationChange.Create(null, factoryPid, name, all, label);
    }
}
