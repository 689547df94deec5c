package dev.hoist.image;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The parts of an image config that filters and listings look at: labels, creation time, platform. */
public record ImageConfig(Map<String, String> labels, Instant created, String os, String architecture, String variant) {

    private static final int MAX_BYTES = 16 * 1024 * 1024;

    public static ImageConfig read(Blob config) {
        if (config.size() > MAX_BYTES) {
            throw new InvalidImageException(config.content().location() + ": config is over 16 MiB");
        }
        byte[] raw;
        try (var in = config.open()) {
            raw = in.readAllBytes();
        } catch (IOException e) {
            var hoist = dev.hoist.HoistException.find(e);
            throw hoist != null ? hoist : new InvalidImageException(config.content().location() + ": " + e.getMessage(), e);
        }
        return of(Json.parse(raw, config.content().location()));
    }

    /** From a config already parsed. */
    public static ImageConfig of(com.fasterxml.jackson.databind.JsonNode node) {
        var labels = new LinkedHashMap<String, String>();
        var inner = node.get("config");
        var l = inner == null ? null : inner.get("Labels");
        if (l != null && l.isObject()) {
            l.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        Instant created = null;
        var c = Json.text(node, "created");
        if (c != null) {
            try {
                created = java.time.OffsetDateTime.parse(c).toInstant();
            } catch (DateTimeParseException ignored) {
                // An unreadable date filters as unknown.
            }
        }
        return new ImageConfig(Map.copyOf(labels), created, Json.text(node, "os"), Json.text(node, "architecture"),
                Json.text(node, "variant"));
    }

    /** The platform the config declares, when it names both OS and architecture. */
    public Optional<Platform> platform() {
        return os == null || architecture == null ? Optional.empty() : Optional.of(new Platform(os, architecture, variant, null, null));
    }
}
