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

    /** {@code 12.3 MB}. */
    static String human(long bytes) {
        return Bytes.human(bytes);
    }
}
