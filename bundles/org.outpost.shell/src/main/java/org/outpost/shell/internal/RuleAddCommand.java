package org.outpost.shell.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.service.cm.Configuration;
import org.outpost.api.device.DeviceConfig;
import org.outpost.api.device.DeviceService;
import org.outpost.api.device.FleetDevices.NodeRule;
import org.outpost.api.device.Rule;
import org.outpost.api.device.RuleConfig;
import org.outpost.api.device.RuleKind;

@Command(scope = "edge", name = "rule-add", description = "Adds (or replaces) an edge rule on a device channel.",
        detailedDescription = "Threshold: --above N or --below N, optionally --for 5s (how long it must hold) and"
                + " --hysteresis H (how far back to clear): raises an alert at the edge, sent ahead of readings.\n"
                + "Deadband: --deadband D forwards a reading only when it moved more than D.\n"
                + "Window: --window 1m forwards CHANNEL.min/.max/.avg per window.\n"
                + "With --device NODE/NAME on the server the rule is kept by the server and pushed to the node; with"
                + " --device NAME it is kept on this node.")
@Service
public class RuleAddCommand extends DeviceAction {

    @Argument(index = 0, name = "name", required = true, description = "The rule's name")
    String name;

    @Argument(index = 1, name = "OPTIONS", description = "options may also follow the argument", multiValued = true)
    List<String> trailing;

    @Option(name = "--device", description = "NAME on this node, or NODE/NAME on the server")
    String device;

    @Option(name = "--channel", description = "The channel the rule watches")
    String channel;

    @Option(name = "--above", description = "Alert while the value is above this")
    String above;

    @Option(name = "--below", description = "Alert while the value is below this")
    String below;

    @Option(name = "--for", description = "How long the condition must hold before the alert, e.g. 5s")
    String forDuration;

    @Option(name = "--hysteresis", description = "How far back past the limit the value must come to clear the alert")
    String hysteresis;

    @Option(name = "--deadband", description = "Forward only changes larger than this")
    String deadband;

    @Option(name = "--window", description = "Forward min/max/avg per window of this length, e.g. 1m")
    String window;

    @Override
    protected void run() throws Exception {
        List<String> extra = TrailingOptions.apply(this, trailing);
        if (!extra.isEmpty()) throw new IllegalArgumentException("unexpected argument " + extra.get(0));
        if (device == null) throw new IllegalArgumentException("--device is required");
        if (channel == null) throw new IllegalArgumentException("--channel is required");
        DeviceSpec.Ref ref = DeviceSpec.Ref.parse(device);
        int kinds = (above != null || below != null ? 1 : 0) + (deadband != null ? 1 : 0) + (window != null ? 1 : 0);
        if (kinds != 1) {
            throw new IllegalArgumentException("give one kind of rule: --above/--below (threshold), --deadband or --window");
        }
        RuleKind kind = deadband != null ? RuleKind.DEADBAND : window != null ? RuleKind.WINDOW : RuleKind.THRESHOLD;
        boolean onServer = ref.node() != null;
        Rule rule = new Rule(name, ref.device(), channel, kind, number("--above", above), number("--below", below),
                millis("--for", forDuration), orZero(number("--hysteresis", hysteresis)), orZero(number("--deadband", deadband)),
                millis("--window", window), onServer ? Rule.ORIGIN_SERVER : Rule.ORIGIN_LOCAL);
        List<String> problems = rule.problems();
        if (!problems.isEmpty()) throw new IllegalArgumentException("rule " + name + " not added: " + String.join("; ", problems));
        if (onServer) {
            fleet("edge:rule-add --device NODE/NAME").putRule(new NodeRule(ref.node(), rule));
            out().println("Rule " + name + " on " + ref + ": " + rule.describe() + " (kept by the server, pushed to " + ref.node() + ").");
            return;
        }
        if (localDevices == null) {
            throw fail(NOT_HERE + "; on the server give --device NODE/NAME");
        }
        if (localDevices.device(ref.device()) == null) {
            throw new IllegalArgumentException("no device " + ref.device() + " on this node");
        }
        Configuration configuration = DeviceConfigs.findRule(configAdmin(), name);
        if (configuration == null) configuration = configAdmin().getFactoryConfiguration(DeviceService.RULE_FACTORY_PID, name, "?");
        Dictionary<String, Object> properties = new Hashtable<>(RuleConfig.toProperties(rule));
        configuration.update(properties);
        out().println("Rule " + name + " on " + ref + ": " + rule.describe() + ".");
    }

    private static Double number(String option, String text) {
        if (text == null) return null;
        try {
            double value = Double.parseDouble(text.trim());
            if (!Double.isFinite(value)) throw new NumberFormatException();
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, got '" + text + "'");
        }
    }

    private static long millis(String option, String text) {
        if (text == null) return 0;
        try {
            return DeviceConfig.parseMillis(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    private static double orZero(Double value) {
        return value == null ? 0 : value;
    }
}
