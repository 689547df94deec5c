package dev.hoist.source;

import dev.hoist.image.Blob;
import dev.hoist.image.Platform;

import java.io.IOException;
import java.util.Optional;

/** Reads the platform an image's config declares. */
final class ConfigPlatform {

    private static final int MAX_CONFIG = 16 * 1024 * 1024;

    private ConfigPlatform() {
    }

    static Optional<Platform> read(Blob config) {
        if (config.size() > MAX_CONFIG) {
            return Optional.empty();
        }
        try (var in = config.open()) {
            return OciLayout.platformOf(in.readAllBytes());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
