package dev.hoist.cli;

import dev.hoist.Bytes;
import picocli.CommandLine;

/** Sizes as options take them ({@link Bytes}'s rule), refused the way picocli reports a bad value. */
final class Sizes implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    static long parse(String value) {
        try {
            return Bytes.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** A rate as people write it: {@code 20MB/s}, {@code 512k}; 0 for none. */
    static final class PerSecond implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            var v = value.trim();
            return parse(v.endsWith("/s") ? v.substring(0, v.length() - 2) : v);
        }
    }

    /** {@code 12.3 MB}. */
    static String human(long bytes) {
        return Bytes.human(bytes);
    }
}
