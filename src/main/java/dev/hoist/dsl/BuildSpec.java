package dev.hoist.dsl;

import dev.hoist.source.DirectoryBuild;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code build('site/') { tag 'demo/site:1.0' }}: a directory built into an image with Jib when a
 * push runs, as {@code hoist build} does, then pushed like any source.
 */
public final class BuildSpec {

    private final HoistSession session;
    private final Path dir;
    private String tag;
    private String from = "scratch";
    private String dest = "/app";
    private final List<String> entrypoint = new ArrayList<>();
    private final List<String> cmd = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String workdir;
    private String user;
    private String platform;
    private Instant created;

    BuildSpec(HoistSession session, Path dir) {
        this.session = session;
        this.dir = dir;
    }

    /** The image's name in the built archive, {@code REPO:TAG}. */
    public void tag(String value) {
        tag = value;
    }

    /** The base: {@code scratch} (the default), a registry reference, or a docker-save tar. */
    public void from(String value) {
        from = value;
    }

    /** Where the directory's contents go in the image (default {@code /app}). */
    public void dest(String value) {
        dest = value;
    }

    public void entrypoint(String... words) {
        entrypoint.addAll(List.of(words));
    }

    public void cmd(String... words) {
        cmd.addAll(List.of(words));
    }

    public void env(String key, String value) {
        env.put(key, value);
    }

    public void label(String key, String value) {
        labels.put(key, value);
    }

    public void workdir(String value) {
        workdir = value;
    }

    public void user(String value) {
        user = value;
    }

    public void platform(String value) {
        platform = value;
    }

    /** Creation time; the epoch by default, so the same inputs give the same digest. */
    public void created(Instant value) {
        created = value;
    }

    Path dir() {
        return dir;
    }

    String name() {
        if (tag == null) {
            var base = dir.getFileName() == null ? "image" : dir.getFileName().toString();
            return base.toLowerCase(java.util.Locale.ROOT) + ":latest";
        }
        return tag.contains(":") && tag.lastIndexOf(':') > tag.lastIndexOf('/') ? tag : tag + ":latest";
    }

    DirectoryBuild build() {
        return new DirectoryBuild(dir, dest, from, entrypoint, cmd, env, labels, workdir != null ? workdir : dest, user,
                List.of(), platform, List.of(), created, false);
    }
}
