package dev.hoist.registry;

import dev.hoist.image.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Locale;

/** Turns a registry's {@code {"errors":[{"code","message","detail"}]}} body into one readable line. */
final class ErrorBody {

    private ErrorBody() {
    }

    static String describe(int status, byte[] body) {
        var parts = new ArrayList<String>();
        if (body != null && body.length > 0) {
            try {
                var node = Json.MAPPER.readTree(body);
                var errors = node == null ? null : node.get("errors");
                if (errors != null && errors.isArray()) {
                    for (var e : errors) {
                        var code = Json.text(e, "code");
                        var message = Json.text(e, "message");
                        var detail = e.get("detail");
                        var line = (code != null ? code.toLowerCase(Locale.ROOT).replace('_', ' ') : "error")
                                + (message != null ? ": " + message : "");
                        if (detail != null && !detail.isNull() && !detail.isContainerNode()) {
                            line += " (" + detail.asText() + ")";
                        }
                        parts.add(line);
                    }
                }
            } catch (java.io.IOException | RuntimeException ignored) {
                // Not JSON: fall through to the status line.
            }
            if (parts.isEmpty()) {
                var text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
                if (!text.isEmpty() && !text.startsWith("<") && !text.startsWith("{")) {
                    parts.add(text.lines().findFirst().orElse(text));
                }
            }
        }
        if (parts.isEmpty()) {
            parts.add("HTTP " + status + " " + reason(status));
        }
        return String.join("; ", parts);
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Payload Too Large";
            case 416 -> "Range Not Satisfiable";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }
}
