package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

class LeaveCommandTest {

    @Test
    void leaves() throws Exception {
        Fakes.Roles roles = new Fakes.Roles("agent");
        LeaveCommand c = new LeaveCommand();
        c.roleManager = roles;
        c.localNode = new Fakes.Local("pi", "agent", Fakes.NOW);
        assertEquals("node pi left the cluster; join again with edge:role agent --server URL --token T\n",
                Fakes.capture(c).run());
        assertEquals(List.of("leave"), roles.calls);
    }

    @Test
    void showsTheRoleManagersRefusal() {
        LeaveCommand c = new LeaveCommand();
        c.roleManager = new Fakes.Roles("server") {
            @Override
            public void leave() {
                throw new OutpostException(ErrorCode.CONFLICT, "a server cannot leave its own cluster");
            }
        };
        assertEquals("a server cannot leave its own cluster",
                assertThrows(CommandException.class, c::execute).getMessage());
    }
}
