package org.outpost.kura.internal.rest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A request as a resource sees it: the method, the path below the resource's base path ({@code ""}
 * or starting with {@code /}, percent-decoded per segment), query parameters, the content type and
 * the whole body; for {@code multipart/form-data} also the uploaded files by form field name.
 */
public record RestRequest(String method, String path, Map<String, List<String>> query, String contentType, byte[] body,
        Map<String, Upload> uploads) {

    /** A file field of a multipart form. */
    public record Upload(String filename, byte[] content) {
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Path segments below the base path: {@code "/a/b"} gives {@code [a, b]}, {@code ""} none. */
    public List<String> segments() {
        if (path.isEmpty() || path.equals("/")) {
            return List.of();
        }
        return List.of(path.substring(1).split("/", -1));
    }
}
