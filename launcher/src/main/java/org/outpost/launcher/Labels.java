package org.outpost.launcher;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code --labels} check, with Kubernetes' rules: a key is an optional prefix (a DNS
 * subdomain) and '/' and a name; names and values are at most 63 characters. A label that breaks
 * a rule is refused here, at the door, instead of breaking the node's channel later.
 */
final class Labels {
    /** Labels a node may be started with. */
    static final int MAX_LABELS = 64;
    static final int MAX_NAME = 63;
    static final int MAX_PREFIX = 253;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final String NAME_RULE = "1 to " + MAX_NAME + " letters, digits, '-', '_' and '.', starting and ending"
            + " with a letter or digit";

    private Labels() {
    }

    /** The labels as the node configuration keeps them ({@code k=v,k=v}, no spaces), or why not. */
    static String check(String value) throws UsageException {
        if (value.isBlank()) {
            return "";
        }
        Set<String> keys = new LinkedHashSet<>();
        StringBuilder normalised = new StringBuilder();
        for (String entry : value.split(",")) {
            String label = entry.trim();
            if (label.isEmpty()) {
                continue;
            }
            int equals = label.indexOf('=');
            if (equals < 0) {
                throw new UsageException("label '" + shorten(label) + "' is not of the form key=value");
            }
            String key = label.substring(0, equals);
            checkKey(label, key);
            checkValue(label, label.substring(equals + 1));
            if (!keys.add(key)) {
                throw new UsageException("label key '" + key + "' is given twice");
            }
            if (keys.size() > MAX_LABELS) {
                throw new UsageException("a node has at most " + MAX_LABELS + " labels; " + keys.size() + " or more were given");
            }
            normalised.append(normalised.length() == 0 ? "" : ",").append(label);
        }
        return normalised.toString();
    }

    private static void checkKey(String label, String key) throws UsageException {
        int slash = key.lastIndexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > MAX_PREFIX || !PREFIX.matcher(prefix).matches()) {
                throw new UsageException("label '" + shorten(label) + "': the key's prefix '" + shorten(prefix) + "' must be a DNS subdomain:"
                        + " at most " + MAX_PREFIX + " lower-case letters, digits, '-' and '.', starting and ending with"
                        + " a letter or digit (e.g. example.com/zone=a)");
            }
        }
        if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            throw new UsageException("label '" + shorten(label) + "': the key's name '" + shorten(name) + "' must be " + NAME_RULE);
        }
    }

    private static void checkValue(String label, String value) throws UsageException {
        if (!value.isEmpty() && (value.length() > MAX_NAME || !NAME.matcher(value).matches())) {
            throw new UsageException("label '" + shorten(label) + "': the value must be empty or " + NAME_RULE);
        }
    }

    /** A very long label or part is named by its start. */
    private static String shorten(String text) {
        return text.length() <= 100 ? text : text.substring(0, 80) + "... (" + text.length() + " characters)";
    }
}
