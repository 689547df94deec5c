package dev.hoist.image;

import java.util.List;
import java.util.Objects;

/** An OCI platform: {@code os/architecture[/variant]}. */
public record Platform(String os, String architecture, String variant, String osVersion, List<String> osFeatures) {

    public Platform {
        osFeatures = osFeatures == null ? List.of() : List.copyOf(osFeatures);
    }

    /** Parses {@code os/arch[/variant]}, as {@code --platform} takes it. */
    public static Platform parse(String text) {
        var parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isBlank() || parts[1].isBlank()
                || (parts.length == 3 && parts[2].isBlank())) {
            throw new IllegalArgumentException("malformed platform '" + text + "' (expected os/arch[/variant], e.g. linux/arm64)");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null, null, null);
    }

    /**
     * Whether this platform (as asked for) matches a platform an image declares. A request without
     * a variant matches any variant; arm64 images often declare {@code v8}, which is the default.
     */
    public boolean matches(Platform declared) {
        if (declared == null || !os.equals(declared.os) || !architecture.equals(declared.architecture)) {
            return false;
        }
        if (variant == null) {
            return true;
        }
        var theirs = declared.variant;
        if (theirs == null && architecture.equals("arm64")) {
            theirs = "v8";
        }
        return Objects.equals(variant, theirs);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
