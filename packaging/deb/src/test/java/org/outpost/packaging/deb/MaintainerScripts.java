package org.outpost.packaging.deb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs the package's maintainer scripts the way dpkg does, against a scratch root: the scripts
 * prefix their paths with {@code DPKG_ROOT}, and the commands that would change this machine's
 * accounts or services (adduser, useradd, deluser, userdel, delgroup, groupdel, chown, systemctl)
 * are stand-ins first on PATH that record their arguments. getent answers from the stand-ins'
 * account list, so the scripts see the user appear and disappear.
 */
final class MaintainerScripts {
    private static final List<String> ACCOUNT_ADDERS = List.of("adduser", "useradd");
    private static final List<String> ACCOUNT_REMOVERS = List.of("deluser", "userdel", "delgroup", "groupdel");

    private final Commands commands;
    private final Path controlDir;
    private final Path root;
    private final Path stubs;
    private final Path log;
    private final Path accounts;

    MaintainerScripts(Commands commands, Path controlDir, Path work) throws IOException {
        this.commands = commands;
        this.controlDir = controlDir;
        this.root = work.resolve("root");
        this.stubs = work.resolve("stubs");
        this.log = work.resolve("commands.log");
        this.accounts = work.resolve("accounts");
        Files.createDirectories(root);
        Files.createDirectories(stubs);
        Files.writeString(log, "");
        Files.writeString(accounts, "");
        for (String name : ACCOUNT_ADDERS) {
            stub(name, "for last; do :; done\necho \"$last\" >> \"$STUB_ACCOUNTS\"\n");
        }
        for (String name : ACCOUNT_REMOVERS) {
            stub(name, "for last; do :; done\ngrep -vx \"$last\" \"$STUB_ACCOUNTS\" > \"$STUB_ACCOUNTS.new\" || true\n"
                    + "mv \"$STUB_ACCOUNTS.new\" \"$STUB_ACCOUNTS\"\n");
        }
        stub("chown", "");
        stub("systemctl", "if [ \"$1\" = is-active ]; then exit \"$STUB_ACTIVE\"; fi\n");
        Files.writeString(stubs.resolve("getent"), "#!/bin/sh\ngrep -qx \"$2\" \"$STUB_ACCOUNTS\" && echo \"$2\" || exit 2\n");
        Files.setPosixFilePermissions(stubs.resolve("getent"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void stub(String name, String behaviour) throws IOException {
        Path file = stubs.resolve(name);
        Files.writeString(file, "#!/bin/sh\necho \"" + name + " $*\" >> \"$STUB_LOG\"\n" + behaviour, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The scratch root the scripts work in ({@code DPKG_ROOT}). */
    Path root() {
        return root;
    }

    /** Runs {@code script} ({@code postinst}, {@code prerm}, ...) with dpkg's arguments. */
    Commands.Result run(String script, boolean serviceActive, String... arguments) throws IOException, InterruptedException {
        String[] command = new String[arguments.length + 1];
        command[0] = controlDir.resolve(script).toString();
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Map<String, String> environment = Map.of(
                "DPKG_ROOT", root.toString(),
                "PATH", stubs + ":" + System.getenv("PATH"),
                "STUB_LOG", log.toString(),
                "STUB_ACCOUNTS", accounts.toString(),
                "STUB_ACTIVE", serviceActive ? "0" : "3");
        return commands.run(environment, Duration.ofSeconds(30), command).expectSuccess();
    }

    /** The stand-ins' calls since the last call of this method, one per line. */
    List<String> takeCalls() throws IOException {
        List<String> calls = Files.readAllLines(log, StandardCharsets.UTF_8);
        Files.writeString(log, "");
        return calls;
    }

    List<String> accounts() throws IOException {
        return Files.readAllLines(accounts, StandardCharsets.UTF_8);
    }
}
