package org.outpost.workload;

import java.util.List;
import java.util.stream.Collectors;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/** A manifest that cannot be applied, with every problem found in it; nothing of it was taken. */
public class ManifestException extends OutpostException {
    private static final long serialVersionUID = 1L;
    private final List<Problem> problems;

    public ManifestException(List<Problem> problems) {
        super(ErrorCode.INVALID_ARGUMENT, problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    /** One problem: where ({@code source:line}, the field's path) and what. Line 0 = the whole file. */
    public record Problem(String source, int line, String field, String message) {
        @Override
        public String toString() {
            return source + (line > 0 ? ":" + line : "") + ": " + (field.isEmpty() ? "" : field + ": ") + message;
        }
    }
}
