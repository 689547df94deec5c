package dev.hoist.dsl;

import dev.hoist.engine.ImageFilter;
import dev.hoist.engine.Latest;
import dev.hoist.engine.PlanBuilder;
import dev.hoist.image.Platform;
import dev.hoist.source.SourceImage;
import groovy.lang.Closure;
import groovy.lang.DelegatesTo;
import org.codehaus.groovy.runtime.DefaultGroovyMethods;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * {@code filter { ... }}: which images a plan takes. Every condition must hold; {@code exclude}
 * leaves out what matches; {@code latest} keeps the newest versions of what passed.
 */
public final class FilterSpec {

    private final HoistSession session;
    private final List<Condition> conditions = new ArrayList<>();
    private final List<UnaryOperator<List<SourceImage>>> choices = new ArrayList<>();
    private String platform;

    FilterSpec(HoistSession session) {
        this.session = session;
    }

    Condition condition(ImageFilter filter, String text) {
        var c = new Condition(filter, text);
        conditions.add(c);
        return c;
    }

    /** Repositories matching a glob ({@code demo/*}, {@code **} crosses /), a regex ({@code ~/.../}, {@code '/.../'}) or any of a list. */
    public Condition repository(Object pattern) {
        var f = patterns(pattern, ImageFilter::repository, "repository");
        return f == null ? null : condition(f, "repository " + pattern);
    }

    /** Tags matching a glob, a regex, a semver range ({@code semver('>=1 <2')} or {@code '>=1 <2'}) or any of a list. */
    public Condition tag(Object pattern) {
        if (pattern instanceof SemverRange range && !range.valid) {
            return null;
        }
        if (pattern instanceof SemverRange range) {
            return condition(ImageFilter.semver(range.text), range.toString());
        }
        var f = patterns(pattern, ImageFilter::tag, "tag");
        return f == null ? null : condition(f, "tag " + pattern);
    }

    private ImageFilter patterns(Object pattern, java.util.function.Function<String, ImageFilter> make, String word) {
        var all = new ArrayList<ImageFilter>();
        var items = pattern instanceof Collection<?> c ? List.copyOf(c) : List.of(pattern == null ? "" : pattern);
        for (var item : items) {
            try {
                if (item instanceof Pattern p) {
                    all.add(make.apply("re:" + p.pattern()));
                } else if (item instanceof SemverRange r && !r.valid) {
                    return null;
                } else if (item instanceof SemverRange r) {
                    all.add(ImageFilter.semver(r.text));
                } else {
                    all.add(make.apply(String.valueOf(item)));
                }
            } catch (IllegalArgumentException e) {
                session.problem(word + " " + e.getMessage(), String.valueOf(item instanceof Pattern p ? p.pattern() : item));
                return null;
            }
        }
        return ImageFilter.any(all);
    }

    /** Any of these conditions (or filters) holds: {@code any(repository('a/*'), tag('nightly'))}. */
    public Condition any(Object... items) {
        var parts = new ArrayList<ImageFilter>();
        for (var item : items) {
            if (item instanceof Condition c) {
                // Written as arguments, they first ran as conditions of their own: only the alternative holds.
                conditions.remove(c);
                parts.add(c.filter);
            } else if (item instanceof FilterSpec f) {
                parts.add(f.imageFilter());
            } else {
                session.problem("any takes conditions or filters, not " + HoistSession.describe(item), "any");
                return null;
            }
        }
        return condition(ImageFilter.any(parts), "any" + List.of(items));
    }

    /** The condition (or filter) does not hold. */
    public Condition not(Object item) {
        if (item instanceof Condition c) {
            conditions.remove(c);
            return condition(ImageFilter.not(c.filter), "not " + c);
        }
        if (item instanceof FilterSpec f) {
            return condition(ImageFilter.not(f.imageFilter()), "not filter");
        }
        session.problem("not takes a condition or a filter, not " + HoistSession.describe(item), "not");
        return null;
    }

    /** Leaves out images the condition (or filter, or repository pattern) matches. */
    public void exclude(Condition condition) {
        if (condition == null) {
            return;
        }
        // exclude repository('x') first ran repository('x'), which added it as a condition to hold.
        conditions.remove(condition);
        condition(ImageFilter.not(condition.filter), "exclude " + condition);
    }

    public void exclude(FilterSpec filter) {
        condition(ImageFilter.not(filter.imageFilter()), "exclude filter");
    }

    /** A repository pattern to leave out, as {@code --exclude}. */
    public void exclude(String repositoryPattern) {
        exclude(repository(repositoryPattern));
    }

    /** The {@code n} highest semver tags of each repository among the images that passed. */
    public void latest(int n) {
        latestPer("repository", n);
    }

    /** The {@code n} highest semver tags per {@code 'major'} or {@code 'minor'} line (or {@code 'repository'}). */
    public void latestPer(String per, int n) {
        try {
            choices.add(Latest.keep(n, per));
        } catch (IllegalArgumentException e) {
            session.problem(e.getMessage(), per);
        }
    }

    /** {@code linux/amd64}: images for this platform; of an index, only that platform's image is pushed. */
    public void platform(String value) {
        try {
            condition(ImageFilter.platform(Platform.parse(value)), "platform " + value);
            platform = value;
        } catch (IllegalArgumentException e) {
            session.problem(e.getMessage(), value);
        }
    }

    /** At most this many bytes at the source ({@code 500.MB}). */
    public void maxSize(long bytes) {
        condition(ImageFilter.maxSize(bytes), "maxSize " + bytes);
    }

    public void minSize(long bytes) {
        condition(ImageFilter.minSize(bytes), "minSize " + bytes);
    }

    /** A label with this value in the image's config. */
    public void label(String key, String value) {
        condition(ImageFilter.label(key + "=" + value), "label " + key + "=" + value);
    }

    /** A label with any value. */
    public void label(String key) {
        condition(ImageFilter.label(key), "label " + key);
    }

    /** Created before a time: an {@code Instant} ({@code daysAgo(7)}) or {@code '2024-05-01'}. */
    public void createdBefore(Object when) {
        var t = instant(when);
        if (t != null) {
            condition(ImageFilter.createdBefore(t), "createdBefore " + when);
        }
    }

    public void createdAfter(Object when) {
        var t = instant(when);
        if (t != null) {
            condition(ImageFilter.createdAfter(t), "createdAfter " + when);
        }
    }

    /** Any test of the image's metadata: {@code where { img -> img.labels.team == 'web' }}. */
    public void where(@DelegatesTo(value = ImageInfo.class, strategy = Closure.DELEGATE_FIRST) Closure<?> test) {
        condition(image -> DefaultGroovyMethods.asBoolean(HoistSession.callWith(test, new ImageInfo(image))), "where {...}");
    }

    private Instant instant(Object when) {
        if (when instanceof Instant i) {
            return i;
        }
        if (when instanceof java.util.Date d) {
            return d.toInstant();
        }
        var text = String.valueOf(when);
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (java.time.format.DateTimeParseException e2) {
                session.problem("'" + text + "' is not a date (2024-05-01, 2024-05-01T12:00:00Z or daysAgo(N))", text);
                return null;
            }
        }
    }

    /** Every per-image condition together. */
    ImageFilter imageFilter() {
        return ImageFilter.all(conditions.stream().map(c -> c.filter).toList());
    }

    /** Puts the filter into a plan: its conditions, the platform to pick and the newest-N choices. */
    void applyTo(PlanBuilder builder) {
        if (!conditions.isEmpty()) {
            builder.filter(imageFilter());
        }
        if (platform != null) {
            builder.platform(platform);
        }
        choices.forEach(builder::narrow);
    }

    boolean choosesAmongAll() {
        return !choices.isEmpty();
    }

    @Override
    public String toString() {
        return "filter " + conditions;
    }
}
