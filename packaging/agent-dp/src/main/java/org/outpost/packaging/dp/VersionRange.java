package org.outpost.packaging.dp;

/**
 * An OSGi version range: {@code [1.2,2)} and the like, or a bare version meaning "this one or
 * any later"; an absent range accepts every version.
 */
record VersionRange(OsgiVersion floor, boolean floorIncluded, OsgiVersion ceiling, boolean ceilingIncluded) {

    static final VersionRange ANY = new VersionRange(OsgiVersion.ZERO, true, null, false);

    static VersionRange parse(String text) {
        if (text == null || text.isBlank()) {
            return ANY;
        }
        String value = text.trim();
        char first = value.charAt(0);
        if (first != '[' && first != '(') {
            return new VersionRange(OsgiVersion.parse(value), true, null, false);
        }
        char last = value.charAt(value.length() - 1);
        int comma = value.indexOf(',');
        if ((last != ']' && last != ')') || comma < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a version range such as [1.2,2)");
        }
        return new VersionRange(OsgiVersion.parse(value.substring(1, comma)), first == '[',
                OsgiVersion.parse(value.substring(comma + 1, value.length() - 1)), last == ']');
    }

    boolean includes(OsgiVersion version) {
        int low = version.compareTo(floor);
        if (low < 0 || (low == 0 && !floorIncluded)) {
            return false;
        }
        if (ceiling == null) {
            return true;
        }
        int high = version.compareTo(ceiling);
        return high < 0 || (high == 0 && ceilingIncluded);
    }

    @Override
    public String toString() {
        if (ceiling == null) {
            return this.equals(ANY) ? "any version" : floor.toString();
        }
        return (floorIncluded ? "[" : "(") + floor + "," + ceiling + (ceilingIncluded ? "]" : ")");
    }
}
