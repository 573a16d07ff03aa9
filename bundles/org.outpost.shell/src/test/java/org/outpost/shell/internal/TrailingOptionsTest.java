package org.outpost.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.karaf.shell.api.action.Option;
import org.junit.jupiter.api.Test;

class TrailingOptionsTest {

    static class Sample {
        @Option(name = "-o", aliases = "--output")
        String output;

        @Option(name = "--ttl")
        String ttl;

        @Option(name = "--force")
        boolean force;

        @Option(name = "--https-port")
        Integer port;
    }

    @Test
    void numberOptionsAfterArgumentsAreNumbersOrAReadableError() {
        Sample sample = new Sample();
        TrailingOptions.apply(sample, List.of("server", "--https-port", "6444"));
        assertEquals(6444, sample.port);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> TrailingOptions.apply(new Sample(), List.of("server", "--https-port", "high")));
        assertEquals("option --https-port needs a whole number, got 'high'", wrong.getMessage());
    }

    @Test
    void optionsAfterArgumentsAreAssignedAndPositionalWordsReturned() {
        Sample sample = new Sample();
        List<String> rest = TrailingOptions.apply(sample, List.of("abc123", "-o", "json", "--ttl=1h", "--force"));
        assertEquals(List.of("abc123"), rest);
        assertEquals("json", sample.output);
        assertEquals("1h", sample.ttl);
        assertTrue(sample.force);
    }

    @Test
    void aliasesWork() {
        Sample sample = new Sample();
        TrailingOptions.apply(sample, List.of("--output", "json"));
        assertEquals("json", sample.output);
    }

    @Test
    void unknownOptionAndMissingValueAreReadableErrors() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> TrailingOptions.apply(new Sample(), List.of("--nope")));
        assertEquals("unknown option --nope", unknown.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TrailingOptions.apply(new Sample(), List.of("--ttl")));
        assertEquals("option --ttl needs a value", missing.getMessage());
    }

    @Test
    void nullOrEmptyMeansNothingToDo() {
        assertTrue(TrailingOptions.apply(new Sample(), null).isEmpty());
        assertTrue(TrailingOptions.apply(new Sample(), List.of()).isEmpty());
    }
}
