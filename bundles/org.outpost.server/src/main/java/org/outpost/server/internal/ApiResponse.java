package org.outpost.server.internal;

import java.nio.charset.StandardCharsets;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;

/** A response before it becomes Netty objects: status, content type, body. */
record ApiResponse(int status, String contentType, byte[] body) {
    static final String JSON = "application/json";

    static ApiResponse json(int status, byte[] body) {
        return new ApiResponse(status, JSON, body);
    }

    static ApiResponse text(String contentType, String body) {
        return new ApiResponse(200, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    static ApiResponse error(ErrorCode code, String message) {
        return error(code.httpStatus(), code.wireName(), message);
    }

    static ApiResponse error(int status, String code, String message) {
        String body = "{\"code\":" + quote(code) + ",\"message\":" + quote(message) + "}";
        return json(status, body.getBytes(StandardCharsets.UTF_8));
    }

    static ApiResponse error(OutpostException e) {
        return error(e.code(), e.getMessage());
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
