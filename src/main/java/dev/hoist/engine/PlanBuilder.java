package dev.hoist.engine;

import dev.hoist.HoistException;
import dev.hoist.image.ImageRef;
import dev.hoist.image.LayerCompression;
import dev.hoist.image.Platform;
import dev.hoist.source.SourceImage;
import dev.hoist.source.Sources;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds a {@link PushPlan} from what a user says: sources, filters, targets, mapping, and how to
 * run. {@link #build()} opens the sources and checks everything before any network traffic,
 * reporting every problem together. The command line, scripts and the shell all build plans here.
 */
public final class PlanBuilder {

    /** A target as given: an exact repository (the {@code SOURCE TARGET} form) or a namespace ({@code --to}). */
    private record Target(String text, boolean namespace) {
    }

    private final List<String> sources = new ArrayList<>();
    private final List<String> daemonPatterns = new ArrayList<>();
    private java.util.Map<String, String> env = System.getenv();
    private final List<Target> targets = new ArrayList<>();
    private final List<String> includes = new ArrayList<>();
    private final List<String> excludes = new ArrayList<>();
    private final List<String> tagPatterns = new ArrayList<>();
    private final List<Supplier<ImageFilter>> filters = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private Platform platform;
    private Mapping mapping = Mapping.KEEP;
    private int concurrency = PushPlan.DEFAULT_CONCURRENCY;
    private boolean failFast;
    private boolean dryRun;
    private LayerCompression compression = LayerCompression.GZIP;
    private boolean referrers = true;
    private boolean allowNondistributable;
    private final java.util.Map<String, dev.hoist.registry.RegistryOptions> registryOptions = new java.util.HashMap<>();
    private final java.util.Map<String, dev.hoist.credentials.Credentials> registryCredentials = new java.util.HashMap<>();
    private PushPlan.OnExisting onExisting = PushPlan.OnExisting.IF_CHANGED;
    private java.util.regex.Pattern immutable;
    private final List<java.util.function.UnaryOperator<List<SourceImage>>> narrowings = new ArrayList<>();

    public PlanBuilder source(String spec) {
        sources.add(spec);
        return this;
    }

    /** Every image of the Docker daemon whose {@code REPO:TAG} matches the glob. */
    public PlanBuilder fromDaemon(String pattern) {
        daemonPatterns.add(pattern);
        return this;
    }

    /** The environment sources see: where the Docker daemon is ({@code DOCKER_HOST}, contexts). */
    public PlanBuilder environment(java.util.Map<String, String> value) {
        env = value;
        return this;
    }

    /** {@code HOST[:PORT]/REPOSITORY[:TAG]}: images keep their own tags when it has none. */
    public PlanBuilder repository(String target) {
        targets.add(new Target(target, false));
        return this;
    }

    /**
     * {@code HOST[:PORT][/NAMESPACE]} or {@code oci:DIR}: each image goes to
     * {@code NAMESPACE/REPOSITORY:TAG} after {@link Mapping}. With a tag it names one image exactly.
     */
    public PlanBuilder to(String target) {
        targets.add(new Target(target, true));
        return this;
    }

    public PlanBuilder include(String pattern) {
        check(() -> ImageFilter.repository(pattern));
        includes.add(pattern);
        return this;
    }

    public PlanBuilder exclude(String pattern) {
        check(() -> ImageFilter.repository(pattern));
        excludes.add(pattern);
        return this;
    }

    public PlanBuilder tags(String pattern) {
        check(() -> ImageFilter.tag(pattern));
        tagPatterns.add(pattern);
        return this;
    }

    public PlanBuilder platform(String text) {
        try {
            platform = Platform.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return this;
    }

    public PlanBuilder minSize(long bytes) {
        filters.add(() -> ImageFilter.minSize(bytes));
        return this;
    }

    public PlanBuilder maxSize(long bytes) {
        filters.add(() -> ImageFilter.maxSize(bytes));
        return this;
    }

    public PlanBuilder label(String spec) {
        filters.add(() -> ImageFilter.label(spec));
        return this;
    }

    public PlanBuilder createdBefore(Instant when) {
        filters.add(() -> ImageFilter.createdBefore(when));
        return this;
    }

    public PlanBuilder createdAfter(Instant when) {
        filters.add(() -> ImageFilter.createdAfter(when));
        return this;
    }

    /** Any other filter, e.g. one composed with {@link ImageFilter#any}. */
    public PlanBuilder filter(ImageFilter filter) {
        filters.add(() -> filter);
        return this;
    }

    public PlanBuilder mapping(Mapping value) {
        mapping = value;
        if (value.rename() != null && !value.rename().contains("{")) {
            warnings.add("--rename '" + value.rename() + "' has no {repo}, {name} or {tag}: every image gets the same name");
        }
        return this;
    }

    public PlanBuilder concurrency(int value) {
        if (value < 1) {
            problems.add("concurrency must be at least 1");
        }
        concurrency = value;
        return this;
    }

    public PlanBuilder failFast(boolean value) {
        failFast = value;
        return this;
    }

    /** How layers hoist compresses are compressed (gzip by default). */
    public PlanBuilder compression(LayerCompression value) {
        compression = value;
        return this;
    }

    public PlanBuilder dryRun(boolean value) {
        dryRun = value;
        return this;
    }

    /** Whether each image's referrers in its source (signatures, SBOMs, attestations) go with it; on by default. */
    public PlanBuilder referrers(boolean value) {
        referrers = value;
        return this;
    }

    /** Whether foreign (non-distributable) layers are uploaded too; off by default, as in skopeo and crane. */
    public PlanBuilder allowNondistributable(boolean value) {
        allowNondistributable = value;
        return this;
    }

    /**
     * Settings of one registry's own ({@code HOST[:PORT]}), used instead of the run's: TLS files,
     * limits, chunk size; and its credentials when not null.
     */
    public PlanBuilder registry(String host, dev.hoist.registry.RegistryOptions options, dev.hoist.credentials.Credentials credentials) {
        if (options != null) {
            try {
                options.validate();
            } catch (HoistException e) {
                problems.add(host + ": " + e.getMessage());
            }
            registryOptions.put(host, options);
        }
        if (credentials != null) {
            registryCredentials.put(host, credentials);
        }
        return this;
    }

    public PlanBuilder onExisting(PushPlan.OnExisting value) {
        onExisting = value;
        return this;
    }

    /** Tags that never change: one present in the target is done, its manifest not compared. */
    public PlanBuilder immutable(java.util.regex.Pattern tags) {
        immutable = tags;
        return this;
    }

    /**
     * A choice among all images that passed the filters, such as the newest N tags of each
     * repository, which no filter of one image at a time can make. Applied in the order given.
     */
    public PlanBuilder narrow(java.util.function.UnaryOperator<List<SourceImage>> choice) {
        narrowings.add(choice);
        return this;
    }

    /** Things worth saying that do not stop the plan, such as a repository name made valid. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private void check(Supplier<ImageFilter> filter) {
        try {
            filter.get();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
    }

    /** The images the sources hold, before filters. */
    private List<SourceImage> open(List<String> found, HoistException.Kind[] kind) {
        var images = new ArrayList<SourceImage>();
        if (sources.isEmpty() && daemonPatterns.isEmpty()) {
            found.add("no source given");
        }
        for (var s : sources) {
            try {
                images.addAll(Sources.open(s, env));
            } catch (HoistException e) {
                found.add(e.getMessage());
                kind[0] = HoistException.Kind.INPUT;
            }
        }
        for (var p : daemonPatterns) {
            try {
                var matched = Sources.fromDaemon(p, env);
                if (matched.isEmpty()) {
                    found.add("--from-daemon '" + p + "': no image in the daemon matches");
                }
                images.addAll(matched);
            } catch (HoistException e) {
                found.add(e.getMessage());
                kind[0] = HoistException.Kind.INPUT;
            }
        }
        return images;
    }

    private ImageFilter filter() {
        var all = new ArrayList<ImageFilter>();
        if (!includes.isEmpty()) {
            all.add(ImageFilter.any(includes.stream().map(ImageFilter::repository).toList()));
        }
        excludes.forEach(p -> all.add(ImageFilter.not(ImageFilter.repository(p))));
        if (!tagPatterns.isEmpty()) {
            all.add(ImageFilter.any(tagPatterns.stream().map(ImageFilter::tag).toList()));
        }
        if (platform != null) {
            all.add(ImageFilter.platform(platform));
        }
        filters.forEach(f -> all.add(f.get()));
        return ImageFilter.all(all);
    }

    /** The images the plan would push, filtered and with the platform picked; no target needed. */
    public Selection select() {
        var found = new ArrayList<>(problems);
        HoistException.Kind[] kind = {HoistException.Kind.USAGE};
        var images = open(found, kind);
        var selected = new ArrayList<SourceImage>();
        if (found.isEmpty()) {
            var filter = filter();
            for (var image : images) {
                try {
                    if (filter.test(image)) {
                        selected.add(platform == null ? image : new SourceImage(image.origin(), image.repository(),
                                image.tag(), Planner.select(image.artifact(), platform)));
                    }
                } catch (HoistException e) {
                    found.add(e.getMessage());
                    kind[0] = HoistException.Kind.INPUT;
                }
            }
            if (found.isEmpty()) {
                for (var choice : narrowings) {
                    var kept = choice.apply(List.copyOf(selected));
                    selected.clear();
                    selected.addAll(kept);
                }
            }
            if (found.isEmpty() && selected.isEmpty() && !images.isEmpty()) {
                var others = images.stream().flatMap(i -> Planner.platforms(i.artifact()).stream()).distinct().toList();
                found.add(platform != null && images.stream().noneMatch(i -> ImageFilter.platform(platform).test(i))
                        ? "no image for platform " + platform + " in the sources" + (others.isEmpty() ? "" : " (they have " + String.join(", ", others) + ")")
                        : "no image matches the filters (" + images.size() + " found in the sources)");
            }
        }
        if (!found.isEmpty()) {
            throw new PlanException(found, kind[0]);
        }
        return new Selection(images.size(), selected);
    }

    /** Sources opened and filtered: how many images they held, and those selected. */
    public record Selection(int found, List<SourceImage> images) {
    }

    public PushPlan build() {
        if (targets.isEmpty()) {
            problems.add("no target given: add TARGET or --to TARGET");
        }
        var resolved = new ArrayList<ResolvedTarget>();
        for (var t : targets) {
            try {
                resolved.add(resolve(t));
            } catch (IllegalArgumentException e) {
                problems.add("target " + e.getMessage());
            }
        }
        var selection = select();
        var items = new LinkedHashMap<String, PushItem>();
        var found = new ArrayList<String>();
        for (var target : resolved) {
            try {
                for (var item : target.items(selection.images(), mapping, warnings)) {
                    var previous = items.putIfAbsent(item.target().toString(), item);
                    // Same content from two sources is one image; only different content is a conflict.
                    if (previous != null && !Planner.identity(previous.artifact()).equals(Planner.identity(item.artifact()))) {
                        found.add("two different images would both be pushed as " + item.target() + " ("
                                + previous.source() + " and " + item.source() + ")");
                    }
                }
            } catch (HoistException e) {
                found.add(e.getMessage());
            }
        }
        if (!found.isEmpty()) {
            throw new PlanException(found, HoistException.Kind.USAGE);
        }
        try {
            Sources.prefetch(selection.images());
        } catch (HoistException e) {
            throw new PlanException(List.of(e.getMessage()), e.kind());
        }
        return new PushPlan(List.copyOf(items.values()), selection.found(), concurrency, failFast, dryRun, compression,
                referrers, allowNondistributable, new RegistrySettings(registryOptions, registryCredentials), onExisting, immutable);
    }

    private ResolvedTarget resolve(Target t) {
        if (t.text.startsWith("oci:")) {
            var rest = t.text.substring(4);
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("'" + t.text + "' names no directory");
            }
            // skopeo's oci:DIR[:NAME], split at the first ':': NAME is the ref name the image gets.
            int colon = rest.indexOf(':');
            var dir = colon < 0 ? rest : rest.substring(0, colon);
            var name = colon < 0 ? "" : rest.substring(colon + 1);
            if (dir.isEmpty()) {
                throw new IllegalArgumentException("'" + t.text + "' names no directory");
            }
            var layout = "oci:" + Path.of(dir).toAbsolutePath().normalize();
            if (name.isEmpty()) {
                return new ResolvedTarget(null, layout, "");
            }
            return new ResolvedTarget(layoutName(t.text, layout, name), null, null);
        }
        if (!t.namespace) {
            return new ResolvedTarget(ImageRef.parse(t.text), null, null);
        }
        int slash = t.text.indexOf('/');
        var host = slash < 0 ? t.text : t.text.substring(0, slash);
        var path = slash < 0 ? "" : t.text.substring(slash + 1);
        if (path.contains(":") || path.contains("@")) {
            // A tag or digest names one image exactly, as in the SOURCE TARGET form.
            return new ResolvedTarget(ImageRef.parse(t.text), null, null);
        }
        // Checks the host and namespace with the reference grammar.
        ImageRef.parse(host + "/" + (path.isEmpty() ? "x" : path + "/x"));
        return new ResolvedTarget(null, host, path);
    }

    /**
     * The one image {@code oci:DIR:NAME} names: {@code REPOSITORY:TAG} as hoist names images in
     * layouts, or a bare tag written as the ref name alone, as skopeo writes {@code oci:DIR:TAG}.
     */
    private static ImageRef layoutName(String text, String layout, String name) {
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            var repository = name.substring(0, colon);
            ImageRef.checkName(repository, text);
            return new ImageRef(layout, repository, name.substring(colon + 1), null);
        }
        if (ImageRef.isValidTag(name)) {
            return new ImageRef(layout, "", name, null);
        }
        throw new IllegalArgumentException("'" + text + "': name the image TAG or REPOSITORY:TAG after the directory");
    }

    /** Either an exact repository, or a registry (or layout) and a namespace to map names into. */
    private record ResolvedTarget(ImageRef exact, String registry, String namespace) {

        List<PushItem> items(List<SourceImage> images, Mapping mapping, List<String> warnings) {
            if (exact != null) {
                if (mapping.rename() != null || mapping.renamer() != null || mapping.stripPrefix() != null) {
                    throw new HoistException("--rename and --strip-prefix name images in a namespace (--to HOST/NAMESPACE); "
                            + exact + " already names the repository", HoistException.Kind.USAGE);
                }
                var items = new ArrayList<>(Planner.toTarget(images, exact));
                for (var extra : mapping.extraTags()) {
                    for (var item : List.copyOf(items)) {
                        items.add(new PushItem(item.source(), item.artifact(), item.target().withTag(extra)));
                    }
                }
                return items;
            }
            var items = new ArrayList<PushItem>();
            for (var image : images) {
                var named = mapping.name(image, fallbackName(image.origin()), warnings::add);
                var repo = namespace.isEmpty() ? named.repository() : namespace + "/" + named.repository();
                if (!ImageRef.isValidRepository(repo)) {
                    throw new HoistException("'" + repo + "' (for " + image.displayName() + ") is not a valid repository name"
                            + (repo.length() > 255 ? ": longer than 255 characters" : ""), HoistException.Kind.USAGE);
                }
                var tags = new ArrayList<String>();
                tags.add(named.tag());
                mapping.extraTags().stream().filter(x -> !tags.contains(x)).forEach(tags::add);
                for (var tag : tags) {
                    if (!ImageRef.isValidTag(tag)) {
                        throw new HoistException("invalid tag '" + tag + "' for " + image.displayName(), HoistException.Kind.USAGE);
                    }
                    items.add(new PushItem(Planner.describe(image), image.artifact(), new ImageRef(registry, repo, tag, null)));
                }
            }
            return items;
        }

        /** A name for images their source does not name: the file or directory name. */
        private static String fallbackName(String origin) {
            var path = origin.replaceFirst("^(oci|oci-archive|docker-archive):", "");
            int colon = path.indexOf(':', path.lastIndexOf('/') + 1);
            if (colon > 0) {
                path = path.substring(0, colon);
            }
            var name = Path.of(path).getFileName();
            var base = name == null ? "image" : name.toString().replaceFirst("\\.(tar|oci)$", "");
            return Mapping.normalize(base);
        }
    }
}
