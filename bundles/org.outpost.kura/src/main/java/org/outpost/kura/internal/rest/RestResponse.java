package org.outpost.kura.internal.rest;

import java.nio.charset.StandardCharsets;

import org.outpost.api.ErrorCode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Status, content type and body of a response. */
public record RestResponse(int status, String contentType, byte[] body) {
    static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static RestResponse json(int status, Object value) {
        try {
            return new RestResponse(status, JSON, MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static RestResponse ok(Object value) {
        return json(200, value);
    }

    public static RestResponse noContent() {
        return new RestResponse(204, JSON, new byte[0]);
    }

    public static RestResponse text(int status, String contentType, String body) {
        return new RestResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON error {@code {"code": "not_found", "message": "..."}} with the code's HTTP status. */
    public static RestResponse error(ErrorCode code, String message) {
        ObjectNode error = MAPPER.createObjectNode();
        error.put("code", code.wireName());
        error.put("message", message);
        return json(code.httpStatus(), error);
    }
}
