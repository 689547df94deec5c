package dev.hoist.dsl;

import dev.hoist.engine.ImageResult;

/** How one image of a script's push went: what a result's {@code pushed}, {@code upToDate} and {@code failed} hold. */
public final class ImageOutcome {

    private final ImageResult result;

    ImageOutcome(ImageResult result) {
        this.result = result;
    }

    public String getSource() {
        return result.source();
    }

    /** {@code HOST/REPOSITORY:TAG}. */
    public String getTarget() {
        return result.target().toString();
    }

    /** The manifest digest in the target, null when the image failed. */
    public String getDigest() {
        return result.digest() == null ? null : result.digest().toString();
    }

    /** One line saying why it failed, null when it did not. */
    public String getError() {
        return result.error();
    }

    public long getBytesSent() {
        return result.bytesSent();
    }

    @Override
    public String toString() {
        return getTarget() + (getDigest() == null ? "" : "@" + getDigest()) + (getError() == null ? "" : ": " + getError());
    }
}
