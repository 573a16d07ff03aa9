package org.outpost.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Did you mean ...?" for a mistyped command or option: the known word closest to what was typed,
 * when it is close enough to be what the user meant (one or two letters off, letters swapped, or
 * the start of exactly one known word).
 */
final class Suggestions {
    /** Longest console output read for the command list; Outpost's is a few kilobytes. */
    private static final int MAX_COMMAND_LIST = 1 << 20;
    private static final Pattern NOT_FOUND = Pattern.compile("Command not found: (\\S+)");
    private static final Pattern QUOTED_COMMAND = Pattern.compile("\"([-A-Za-z0-9_.*]+:[-A-Za-z0-9_.]+)\"");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

    private Suggestions() {
    }

    /** The known word the user most likely meant, if any. */
    static Optional<String> closest(String typed, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(typed, candidate);
            // between equally close words, one of the typed length (a letter mistyped) beats one a letter shorter
            if (distance < bestDistance || distance == bestDistance
                    && Math.abs(candidate.length() - typed.length()) < Math.abs(best.length() - typed.length())) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best != null && bestDistance <= (typed.length() <= 3 ? 1 : 2) && bestDistance < typed.length()) {
            return Optional.of(best);
        }
        List<String> extending = known.stream().filter(k -> typed.length() >= 2 && k.startsWith(typed)).toList();
        return extending.size() == 1 ? Optional.of(extending.get(0)) : Optional.empty();
    }

    /** Edits between two words (insert, delete, replace, swap two neighbours). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * The hint after a console command was not found: {@code consoleOutput} is what the console
     * printed (its "Command not found: X" line), {@code commandList} the console's answer to
     * {@code echo $.commands}. Empty when the output names no missing command.
     */
    static Optional<String> forMissingCommand(String consoleOutput, String commandList) {
        Matcher missing = NOT_FOUND.matcher(ANSI.matcher(consoleOutput).replaceAll(""));
        if (!missing.find()) {
            return Optional.empty();
        }
        String typed = missing.group(1);
        List<String> commands = new ArrayList<>();
        Matcher quoted = QUOTED_COMMAND.matcher(ANSI.matcher(commandList).replaceAll(""));
        while (quoted.find()) {
            if (!quoted.group(1).startsWith("*:")) {
                commands.add(quoted.group(1));
            }
        }
        commands.sort(null);
        Optional<String> closest;
        if (typed.contains(":")) {
            closest = closest(typed, commands);
        } else { // the console finds an unscoped name in any scope: compare names, suggest the full one
            List<String> names = commands.stream().map(c -> c.substring(c.indexOf(':') + 1)).toList();
            closest = closest(typed, names).flatMap(name -> commands.stream().filter(c -> c.endsWith(":" + name)).findFirst());
        }
        if (closest.isPresent()) {
            return Optional.of("did you mean " + closest.get() + "?");
        }
        if (typed.startsWith("edge:")) {
            return Optional.of("there is no command " + typed + "; type edge: and Tab in the console (outpost shell) to list"
                    + " Outpost's commands");
        }
        return Optional.empty();
    }

    /**
     * Run by {@code outpost shell} after a command failed: {@code args[0]} is a file with the
     * console's "Command not found" line, standard input the console's command list. Prints the
     * hint, if there is one.
     */
    public static void main(String[] args) throws IOException {
        String output = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        InputStream in = System.in;
        String commandList = new String(in.readNBytes(MAX_COMMAND_LIST), StandardCharsets.UTF_8);
        forMissingCommand(output, commandList).ifPresent(hint -> System.out.println("outpost: " + hint));
    }
}
