package dev.hoist.dsl;

import dev.hoist.engine.PushPlan;
import groovy.lang.Closure;
import groovy.lang.DelegatesTo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code plan 'name', { ... }}: sources, filters, targets, names and how to run; what
 * {@code push}, {@code dryRun} and {@code images} take. Built into the engine's plan when a push runs.
 */
public final class PlanSpec {

    private final HoistSession session;
    private final String name;
    final Path baseDir;
    final List<Source> sources = new ArrayList<>();
    final List<FilterSpec> filters = new ArrayList<>();
    /** {@link RegistrySpec}s, layout {@link Source}s and target strings. */
    final List<Object> targets = new ArrayList<>();
    String renameTemplate;
    Closure<?> renameClosure;
    String stripPrefix;
    final List<String> addTags = new ArrayList<>();
    int concurrency = PushPlan.DEFAULT_CONCURRENCY;
    Integer retries;
    boolean failFast;
    PushPlan.OnExisting onExisting = PushPlan.OnExisting.IF_CHANGED;
    Pattern immutable;
    String platform;
    dev.hoist.image.LayerCompression compression;

    PlanSpec(HoistSession session, String name, Path baseDir) {
        this.session = session;
        this.name = name;
        this.baseDir = baseDir;
    }

    public String getName() {
        return name;
    }

    /** Sources: {@code archives(...)}, {@code layout(...)}, {@code daemon(...)}, {@code build(...)} or a source as {@code hoist push} takes it. */
    public void from(Object... values) {
        for (var v : values == null ? new Object[]{null} : values) {
            if (v == null) {
                // An unknown name, already reported where it was written.
                continue;
            }
            if (v instanceof Source s) {
                sources.add(s);
            } else if (v instanceof Collection<?> c) {
                from(c.toArray());
            } else if (v instanceof CharSequence text) {
                sources.add(new Source(Source.Kind.SPEC, text.toString(), baseDir, null));
            } else {
                session.problem("from takes archives(...), layout(...), daemon(...), build(...) or a source string, not "
                        + HoistSession.describe(v), "from");
            }
        }
    }

    /** Only images the filter passes; several {@code select} must all hold. */
    public void select(FilterSpec filter) {
        if (filter != null) {
            filters.add(filter);
        }
    }

    /** An inline filter. */
    public void select(@DelegatesTo(value = FilterSpec.class, strategy = Closure.DELEGATE_FIRST) Closure<?> body) {
        select(session.filter(body));
    }

    /** Targets: {@code registry('name')}, {@code layout('dir')}, or {@code 'HOST[:PORT][/NAMESPACE]'}. */
    public void to(Object... values) {
        for (var v : values == null ? new Object[]{null} : values) {
            if (v == null) {
                // An unknown registry, already reported where it was named.
                continue;
            }
            if (v instanceof RegistrySpec || v instanceof Source s && s.kind == Source.Kind.LAYOUT) {
                targets.add(v);
            } else if (v instanceof Collection<?> c) {
                to(c.toArray());
            } else if (v instanceof CharSequence text) {
                targets.add(text.toString());
            } else {
                session.problem("to takes registry('name'), layout('dir') or 'HOST[:PORT][/NAMESPACE]', not "
                        + HoistSession.describe(v), "to");
            }
        }
    }

    /** Names images by a template of {@code {repo}}, {@code {name}} and {@code {tag}}: {@code 'mirror/{name}:{tag}'}. */
    public void rename(String template) {
        renameTemplate = template;
        renameClosure = null;
    }

    /** Names images by code: {@code rename { img -> "apps/${img.name}" }} gives {@code REPOSITORY[:TAG]}. */
    public void rename(@DelegatesTo(value = ImageInfo.class, strategy = Closure.DELEGATE_FIRST) Closure<?> naming) {
        renameClosure = naming;
        renameTemplate = null;
    }

    /** Removes this prefix from source repository names. */
    public void stripPrefix(String prefix) {
        stripPrefix = prefix;
    }

    /** Pushes every image under these tags too. */
    public void addTag(String... tags) {
        addTags.addAll(List.of(tags));
    }

    /** Blob transfers at once across all images. */
    public void concurrency(int n) {
        if (n < 1) {
            session.problem("concurrency must be at least 1", "concurrency");
            return;
        }
        concurrency = n;
    }

    /** Retries per request on transient failures, for every registry of this plan. */
    public void retries(int n) {
        if (n < 0) {
            session.problem("retries must not be negative", "retries");
            return;
        }
        retries = n;
    }

    /** Start no new image after the first failure. */
    public void failFast(boolean value) {
        failFast = value;
    }

    /** When a tag exists: {@code 'if-changed'} (default), {@code 'skip'}, {@code 'always'}, {@code 'fail'}. */
    public void onExisting(String value) {
        var key = value == null ? "" : value.toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            onExisting = PushPlan.OnExisting.valueOf(key);
        } catch (IllegalArgumentException e) {
            session.problem("onExisting '" + value + "': expected 'if-changed', 'skip', 'always' or 'fail'"
                    + HoistSession.didYouMean(value, List.of("if-changed", "skip", "always", "fail")), String.valueOf(value));
        }
    }

    /** Tags that never change ({@code /^v?\d+\.\d+\.\d+$/}): one present in the target is done, no manifest read. */
    public void immutable(Object regex) {
        try {
            immutable = regex instanceof Pattern p ? p : Pattern.compile(String.valueOf(regex));
        } catch (java.util.regex.PatternSyntaxException e) {
            session.problem("immutable: not a regular expression: " + e.getDescription(), String.valueOf(regex));
        }
    }

    /** How layers hoist compresses (docker-save, daemon, build) are compressed: {@code 'gzip'} (default) or {@code 'zstd'}. */
    public void compression(String name) {
        compression(name, 0);
    }

    /** With a level: gzip 1-9, zstd 1-19 (0 for the default). */
    public void compression(String name, int level) {
        try {
            compression = dev.hoist.image.LayerCompression.of(name, level);
        } catch (IllegalArgumentException e) {
            session.problem(e.getMessage() + HoistSession.didYouMean(name, List.of("gzip", "zstd")), name);
        }
    }

    /** Of a multi-platform index, push only this platform's image ({@code linux/arm64}). */
    public void platform(String value) {
        try {
            dev.hoist.image.Platform.parse(value);
            platform = value;
        } catch (IllegalArgumentException e) {
            session.problem(e.getMessage(), value);
        }
    }

    @Override
    public String toString() {
        return "plan '" + name + "'";
    }
}
