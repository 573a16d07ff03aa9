package org.outpost.workload;

/**
 * Lets a workload stay on (or be placed on) a node with a matching taint, such as
 * {@code node.outpost.org/not-ready}; {@code tolerationSeconds} null means for ever.
 */
public record Toleration(String key, String operator, String value, String effect, Long tolerationSeconds) {
}
