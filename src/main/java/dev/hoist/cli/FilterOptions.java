package dev.hoist.cli;

import dev.hoist.engine.PlanBuilder;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** The filters {@code push} and {@code images} share. */
final class FilterOptions {

    @Option(names = "--include", paramLabel = "PATTERN",
            description = "Only repositories matching: a glob (demo/*, ** crosses /) or a regex (/.../ or re:...); may repeat (any matches).")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "PATTERN", description = "Leave out repositories matching; may repeat.")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--tags", paramLabel = "PATTERN",
            description = "Only tags matching: a glob (1.*), a regex (/.../), or a semver range ('>=1.2 <2', ^1.4, ~2.0); may repeat.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Only images for this platform; of a multi-platform index, push only that platform's image.")
    String platform;

    @Option(names = "--min-size", paramLabel = "SIZE", converter = Sizes.class, description = "Only images of at least SIZE.")
    Long minSize;

    @Option(names = "--max-size", paramLabel = "SIZE", converter = Sizes.class, description = "Only images of at most SIZE.")
    Long maxSize;

    @Option(names = "--label", paramLabel = "KEY[=VALUE]", description = "Only images whose config has this label; may repeat (all must hold).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--created-before", paramLabel = "DATE", description = "Only images created before DATE (2024-05-01 or an ISO-8601 time).")
    String createdBefore;

    @Option(names = "--created-after", paramLabel = "DATE", description = "Only images created after DATE.")
    String createdAfter;

    void applyTo(PlanBuilder plan, List<String> problems) {
        include.forEach(plan::include);
        exclude.forEach(plan::exclude);
        tags.forEach(plan::tags);
        if (platform != null) {
            plan.platform(platform);
        }
        if (minSize != null) {
            plan.minSize(minSize);
        }
        if (maxSize != null) {
            plan.maxSize(maxSize);
        }
        labels.forEach(plan::label);
        if (createdBefore != null) {
            var when = date(createdBefore, "--created-before", problems);
            if (when != null) {
                plan.createdBefore(when);
            }
        }
        if (createdAfter != null) {
            var when = date(createdAfter, "--created-after", problems);
            if (when != null) {
                plan.createdAfter(when);
            }
        }
    }

    private static Instant date(String text, String option, List<String> problems) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                problems.add(option + ": '" + text + "' is not a date (2024-05-01 or 2024-05-01T12:00:00Z)");
                return null;
            }
        }
    }
}
