package org.outpost.runtime.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;

/**
 * docker-java logs every command it runs at DEBUG with all its fields; a container's environment
 * may hold secrets, so this create command describes itself without it.
 */
final class EnvHidingCreateContainerCmd extends CreateContainerCmdImpl {

    EnvHidingCreateContainerCmd(CreateContainerCmd.Exec exec, String image) {
        super(exec, null, image); // no registry credentials: the engine never pulls for a create
    }

    @Override
    public String toString() {
        return "create container " + getName() + " from image " + getImage() + " (environment not shown)";
    }
}
