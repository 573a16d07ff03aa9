package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void padsEveryColumnToItsWidestCellWithTwoSpacesBetween() {
        Table t = new Table("NAME", "STATUS", "AGE")
                .row("edge-1", "Ready", "5m")
                .row("a", "NotReady", "40s");
        assertEquals(List.of(
                "NAME    STATUS    AGE",
                "edge-1  Ready     5m",
                "a       NotReady  40s"), t.lines());
        assertEquals(2, t.size());
    }

    @Test
    void leavesNoTrailingBlanksAndPrintsNullAsEmpty() {
        Table t = new Table("A", "B").row("x", null).row(null, "long");
        assertEquals(List.of("A  B", "x", "   long"), t.lines());
        assertEquals("A  B\nx\n   long\n", t.render());
    }

    @Test
    void headerOnly() {
        assertEquals(List.of("ID  DESCRIPTION"), new Table("ID", "DESCRIPTION").lines());
    }

    @Test
    void refusesRowsOfTheWrongLength() {
        Table t = new Table("A", "B");
        assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
        assertThrows(IllegalArgumentException.class, Table::new);
    }
}
