package org.outpost.runtime.bundle.internal;

import java.util.ArrayList;
import java.util.List;

/** Reads an instance's log in the tests. */
final class InstanceLogs {

    private InstanceLogs() {
    }

    /** Every line of the instance's log, without its time stamp. */
    static List<String> of(Instance instance) {
        List<String> lines = new ArrayList<>();
        instance.log().send(-1, false, line -> lines.add(line.substring(line.indexOf(' ') + 1)));
        return lines;
    }
}
