package org.outpost.workload;

/** A Karaf feature to install: its name, optional version, and the features repository that has it. */
public record FeatureRef(String name, String version, String repository) {
}
