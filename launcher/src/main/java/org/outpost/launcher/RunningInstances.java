package org.outpost.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where instances run, for the message given when a command names a data directory without one:
 * the working directory and the directories directly under it (where {@code ./outpost-demo} and
 * {@code ./outpost-data} are made), each with the {@code --data-dir} that reaches it.
 */
final class RunningInstances {
    /** Directories looked at under the working directory; a home directory may hold many. */
    private static final int MAX_DIRECTORIES = 2_000;

    record Running(Path dir, long pid) {
    }

    private RunningInstances() {
    }

    static List<Running> under(Path home, Path workingDirectory) throws IOException {
        List<Path> candidates = new ArrayList<>();
        candidates.add(workingDirectory);
        try (Stream<Path> children = Files.list(workingDirectory)) {
            children.limit(MAX_DIRECTORIES).filter(Files::isDirectory).sorted().forEach(candidates::add);
        } catch (IOException e) {
            // an unreadable working directory: nothing found there
        }
        List<Running> running = new ArrayList<>();
        for (Path dir : candidates) {
            if (Files.isRegularFile(dir.resolve("karaf.pid"))) {
                Optional<Long> pid = new Instance(home, dir).runningPid();
                pid.ifPresent(p -> running.add(new Running(dir.toAbsolutePath().normalize(), p)));
            }
        }
        return running;
    }

    /**
     * "no instance in DIR" with where instances do run and the command that reaches the first one,
     * or how to start one.
     *
     * @param command how the user runs Outpost and the subcommand, e.g. {@code ./outpost shell}
     */
    static String noInstanceMessage(Path wanted, List<Running> running, Path workingDirectory, String command) {
        String message = "no Outpost instance is running in " + wanted;
        if (running.isEmpty()) {
            return message + ", nor in " + workingDirectory + " or a directory under it; start one with"
                    + " '" + program(command) + " demo' (or server, or agent --server URL --token TOKEN)";
        }
        List<String> listed = new ArrayList<>();
        for (Running r : running) {
            listed.add(shown(r.dir(), workingDirectory) + " (pid " + r.pid() + ")");
        }
        return message + "; running: " + String.join(", ", listed) + "; use " + command + " --data-dir "
                + dataDirArgument(running.get(0).dir(), workingDirectory) + (command.endsWith(" shell") ? " ..." : "");
    }

    private static String program(String command) {
        int space = command.lastIndexOf(' ');
        return space < 0 ? command : command.substring(0, space);
    }

    private static String shown(Path dir, Path workingDirectory) {
        if (dir.equals(workingDirectory)) {
            return ".";
        }
        return dir.startsWith(workingDirectory) ? "./" + workingDirectory.relativize(dir) : dir.toString();
    }

    private static String dataDirArgument(Path dir, Path workingDirectory) {
        if (dir.equals(workingDirectory)) {
            return ".";
        }
        String argument = dir.startsWith(workingDirectory) ? workingDirectory.relativize(dir).toString() : dir.toString();
        return argument.matches("[-A-Za-z0-9_./]+") ? argument : Main.quote(argument);
    }
}
