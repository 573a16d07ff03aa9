package org.outpost.api.kura;

/** A bundle of a deployment package with its framework state ({@code ACTIVE}, {@code RESOLVED}, ...). */
public record PackageBundle(String symbolicName, String version, long id, String state) {
}
