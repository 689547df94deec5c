package dev.hoist.dsl;

/** {@code semver('>=1.0 <2')}: a range of semantic versions, for {@code tag}. */
public final class SemverRange {

    final String text;

    SemverRange(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return "semver('" + text + "')";
    }
}
