package dev.hoist.dsl;

/** {@code semver('>=1.0 <2')}: a range of semantic versions, for {@code tag}. */
public final class SemverRange {

    final String text;
    /** False when the range did not parse (already reported where it was written). */
    final boolean valid;

    SemverRange(String text, boolean valid) {
        this.text = text;
        this.valid = valid;
    }

    @Override
    public String toString() {
        return "semver('" + text + "')";
    }
}
