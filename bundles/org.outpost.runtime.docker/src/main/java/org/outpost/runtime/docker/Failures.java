package org.outpost.runtime.docker;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.DockerException;

/** Failures turned into sentences a person can act on. */
final class Failures {

    private Failures() {
    }

    /** The engine's own message for an error it answered with, else the innermost cause. */
    static String describe(Throwable failure) {
        if (failure instanceof DockerException answered) {
            return engineMessage(answered);
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        String type = root.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message.strip();
    }

    /** Whether the failure is one to reach the engine at all: docker-java wraps I/O errors in plain runtime exceptions. */
    static boolean isUnreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** docker-java puts the response body after {@code Status N: }; the body is {@code {"message": "..."}}. */
    static String engineMessage(DockerException answered) {
        String text = answered.getMessage() == null ? "" : answered.getMessage().strip();
        int body = text.indexOf('{');
        if (body >= 0) {
            try {
                JsonNode message = new ObjectMapper().readTree(text.substring(body)).get("message");
                if (message != null && message.isTextual()) {
                    return message.asText();
                }
            } catch (JsonProcessingException notJson) {
                // fall through to the raw text
            }
        }
        return text.isEmpty() ? "HTTP status " + answered.getHttpStatus() : text;
    }
}
