package org.outpost.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/**
 * Kubernetes' rules for labels, applied wherever Outpost takes them (manifests' labels, selectors
 * and nodeSelectors, {@code edge:label}, the labels an agent starts with): a key is an optional
 * DNS-subdomain prefix of at most 253 characters and a {@code /}, then a name of 1 to 63 letters,
 * digits, {@code -}, {@code _} and {@code .} that starts and ends with a letter or digit; a value
 * is empty or follows the name's rule; an object has at most 64 labels. Lengths are checked before
 * any pattern, so a huge key or value costs no more than its length.
 */
public final class LabelRules {
    /** Labels one object (a node, a workload, a selector) may have. */
    public static final int MAX_LABELS = 64;
    /** Characters of a key's name part, and of a value. */
    public static final int MAX_NAME = 63;
    /** Characters of a key's prefix (a DNS subdomain). */
    public static final int MAX_PREFIX = 253;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** Keys and values longer than this are shortened in messages: a refusal must not echo 600 KB. */
    private static final int MAX_QUOTED = 100;

    private LabelRules() {
    }

    /** Why {@code key} is not a valid label key, or empty when it is. */
    public static Optional<String> keyProblem(String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > MAX_PREFIX || !PREFIX.matcher(prefix).matches()) {
                return Optional.of("the prefix before '/' must be a DNS subdomain (lower-case letters, digits,"
                        + " '-' and '.') of at most " + MAX_PREFIX + " characters");
            }
            if (name.indexOf('/') >= 0) {
                return Optional.of("a key has at most one '/'");
            }
        }
        if (name.isEmpty()) {
            return Optional.of("the name must not be empty");
        }
        if (name.length() > MAX_NAME) {
            return Optional.of("the name must be at most " + MAX_NAME + " characters");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("the name must start and end with a letter or digit and contain only letters,"
                    + " digits, '-', '_' and '.'");
        }
        return Optional.empty();
    }

    /** Why {@code value} is not a valid label value, or empty when it is. */
    public static Optional<String> valueProblem(String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > MAX_NAME) {
            return Optional.of("must be at most " + MAX_NAME + " characters");
        }
        if (!NAME.matcher(value).matches()) {
            return Optional.of("must be empty or start and end with a letter or digit and contain only"
                    + " letters, digits, '-', '_' and '.'");
        }
        return Optional.empty();
    }

    /** What is wrong with one label, as a sentence that names it, or empty. */
    public static Optional<String> problem(String key, String value) {
        Optional<String> badKey = keyProblem(key);
        if (badKey.isPresent()) {
            return Optional.of("invalid label key " + quoted(key) + ": " + badKey.get());
        }
        return valueProblem(value).map(why -> "invalid value " + quoted(value) + " for label " + key + ": " + why);
    }

    /** Every problem of a label set (each label, then their number), as sentences; empty when it is valid. */
    public static List<String> problems(Map<String, String> labels) {
        List<String> problems = new ArrayList<>();
        labels.forEach((key, value) -> problem(key, value).ifPresent(problems::add));
        tooMany(labels.size()).ifPresent(problems::add);
        return problems;
    }

    /** The sentence for {@code count} labels on one object when that is more than allowed. */
    public static Optional<String> tooMany(int count) {
        return count > MAX_LABELS
                ? Optional.of(count + " labels; an object has at most " + MAX_LABELS)
                : Optional.empty();
    }

    /**
     * @throws OutpostException {@code INVALID_ARGUMENT} with every problem of {@code labels}, one a line
     */
    public static void check(Map<String, String> labels) {
        List<String> problems = problems(labels);
        if (!problems.isEmpty()) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, String.join("\n", problems));
        }
    }

    /** {@code "text"}, or its start and its length when it is too long to repeat. */
    public static String quoted(String text) {
        if (text.length() <= MAX_QUOTED) {
            return "\"" + text + "\"";
        }
        return "\"" + text.substring(0, 20) + "…\" (" + text.length() + " characters)";
    }
}
