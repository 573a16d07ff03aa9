package org.outpost.telemetry.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.outpost.api.device.DeviceService;
import org.outpost.api.device.RuleKind;

/**
 * A local rule as its factory configuration holds it ({@code edge:rule-add},
 * {@code etc/org.outpost.rule-NAME.cfg}, a Kura snapshot), read with its types by {@link RuleProperties}.
 * Method names follow the OSGi property naming rules: {@code rule_name} is {@code rule.name},
 * {@code for$} is {@code for}.
 *
 * <p>No {@code @Designate} points at this definition: the rule factory stays without a Metatype
 * designate, so Kura's configuration service keeps checking rules with their parser only (see
 * docs/kura.md).
 */
@ObjectClassDefinition(id = DeviceService.RULE_FACTORY_PID, name = "Outpost rule",
        description = "An edge rule on one channel of one device, evaluated on this node")
interface RuleConfiguration {

    @AttributeDefinition(name = "Name", description = "The rule's name, unique on the node")
    String rule_name();

    @AttributeDefinition(name = "Device", description = "The device the rule watches")
    String device();

    @AttributeDefinition(name = "Channel", description = "The channel the rule watches")
    String channel();

    @AttributeDefinition(name = "Kind", required = false, defaultValue = "THRESHOLD")
    RuleKind kind();

    @AttributeDefinition(name = "Above", required = false, description = "THRESHOLD: alert while the value is above this")
    Double above();

    @AttributeDefinition(name = "Below", required = false, description = "THRESHOLD: alert while the value is below this")
    Double below();

    @AttributeDefinition(name = "For", required = false, type = AttributeType.STRING, defaultValue = "0",
            description = "THRESHOLD: how long the condition holds before the alert (milliseconds, or text like 5s)")
    long for$();

    @AttributeDefinition(name = "Hysteresis", required = false, defaultValue = "0",
            description = "THRESHOLD: how far back past the limit the value comes to clear the alert")
    double hysteresis();

    @AttributeDefinition(name = "Deadband", required = false, defaultValue = "0",
            description = "DEADBAND: the change that is worth forwarding")
    double deadband();

    @AttributeDefinition(name = "Window", required = false, type = AttributeType.STRING, defaultValue = "0",
            description = "WINDOW: the window length (milliseconds, or text like 1m)")
    long window();
}
