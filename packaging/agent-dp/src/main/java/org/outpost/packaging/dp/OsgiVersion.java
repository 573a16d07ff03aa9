package org.outpost.packaging.dp;

import java.util.Comparator;

/** An OSGi version {@code major.minor.micro.qualifier}; missing numbers are 0. */
record OsgiVersion(int major, int minor, int micro, String qualifier) implements Comparable<OsgiVersion> {

    static final OsgiVersion ZERO = new OsgiVersion(0, 0, 0, "");

    private static final Comparator<OsgiVersion> ORDER = Comparator.comparingInt(OsgiVersion::major)
            .thenComparingInt(OsgiVersion::minor)
            .thenComparingInt(OsgiVersion::micro)
            .thenComparing(OsgiVersion::qualifier);

    static OsgiVersion parse(String text) {
        String value = text.trim();
        String[] parts = value.split("\\.", 4);
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            int micro = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
            String qualifier = parts.length > 3 ? parts[3] : "";
            if (major < 0 || minor < 0 || micro < 0 || !qualifier.matches("[A-Za-z0-9_-]*")) {
                throw new NumberFormatException();
            }
            return new OsgiVersion(major, minor, micro, qualifier);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an OSGi version (major.minor.micro.qualifier)");
        }
    }

    /** A Maven project version as an OSGi version: {@code 1.2.0-SNAPSHOT} becomes {@code 1.2.0.SNAPSHOT}. */
    static OsgiVersion fromMaven(String mavenVersion) {
        int dash = mavenVersion.indexOf('-');
        if (dash < 0) {
            return parse(mavenVersion);
        }
        OsgiVersion numbers = parse(mavenVersion.substring(0, dash));
        return new OsgiVersion(numbers.major, numbers.minor, numbers.micro, mavenVersion.substring(dash + 1).replace('.', '_'));
    }

    @Override
    public int compareTo(OsgiVersion other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        String numbers = major + "." + minor + "." + micro;
        return qualifier.isEmpty() ? numbers : numbers + "." + qualifier;
    }
}
