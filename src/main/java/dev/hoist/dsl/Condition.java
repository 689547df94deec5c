package dev.hoist.dsl;

import dev.hoist.engine.ImageFilter;

/**
 * One test of a filter ({@code repository 'demo/*'}, {@code tag semver('>=1')}): it holds in its
 * filter as written, and {@code exclude} turns it around.
 */
public final class Condition {

    final ImageFilter filter;
    private final String text;

    Condition(ImageFilter filter, String text) {
        this.filter = filter;
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
