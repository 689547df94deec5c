package dev.hoist.source;

import dev.hoist.HoistException;
import dev.hoist.image.Compression;
import dev.hoist.image.Digest;
import dev.hoist.image.InvalidImageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens a source as the user names it:
 * {@code oci:DIR[:TAG|@DIGEST]}, {@code oci-archive:FILE[:TAG]},
 * {@code docker-archive:FILE[:REPO:TAG|:@N]}, or a bare path whose kind is found from its content.
 */
public final class Sources {

    private Sources() {
    }

    public static List<SourceImage> open(String spec) {
        return open(spec, System.getenv());
    }

    /** Opens a source; {@code env} tells where the Docker daemon is for {@code docker-daemon:REPO:TAG}. */
    public static List<SourceImage> open(String spec, java.util.Map<String, String> env) {
        if (spec.startsWith("docker-daemon:")) {
            var ref = spec.substring("docker-daemon:".length());
            if (ref.isEmpty()) {
                throw new InvalidImageException(spec + ": name an image, e.g. docker-daemon:demo/app:1.0");
            }
            return List.of(DockerDaemon.connect(env).image(ref));
        }
        if (spec.startsWith("oci:")) {
            var parts = PathAndRef.split(spec.substring(4), true);
            return new OciLayout(directory(parts.path), spec).images(parts.tag, parts.digest);
        }
        if (spec.startsWith("oci-archive:")) {
            var parts = PathAndRef.split(spec.substring(12), false);
            return new OciLayout(tar(parts.path), spec).images(parts.tag, null);
        }
        if (spec.startsWith("docker-archive:")) {
            var rest = spec.substring(15);
            var path = rest;
            String selector = null;
            if (!Files.exists(Path.of(rest))) {
                int colon = rest.indexOf(':');
                if (colon > 0) {
                    path = rest.substring(0, colon);
                    selector = rest.substring(colon + 1);
                }
            }
            return new DockerArchive(tar(path), spec).images(selector);
        }
        var path = Path.of(spec);
        if (Files.isDirectory(path)) {
            var tree = new DirectoryTree(path);
            if (!OciLayout.isLayout(tree)) {
                throw new InvalidImageException(spec + ": directory is not an OCI layout (no oci-layout and index.json)");
            }
            return new OciLayout(tree, spec).images(null, null);
        }
        var tree = tar(spec);
        if (DockerArchive.isArchive(tree)) {
            return new DockerArchive(tree, spec).images(null);
        }
        if (OciLayout.isLayout(tree)) {
            return new OciLayout(tree, spec).images(null, null);
        }
        throw new InvalidImageException(spec + ": archive is neither a docker-save archive (manifest.json) nor an OCI layout (oci-layout, index.json)");
    }

    /**
     * The names of a source's images ({@code oci:DIR}, {@code oci-archive:FILE},
     * {@code docker-archive:FILE} or a path, without a selector), read from its index.json or
     * manifest.json alone, never a blob: what the shell offers after {@code oci:DIR:} and for filters.
     */
    public static List<SourceName> names(String spec) {
        if (spec.startsWith("oci:")) {
            return new OciLayout(directory(spec.substring(4)), spec).names();
        }
        if (spec.startsWith("oci-archive:")) {
            return new OciLayout(tar(spec.substring(12)), spec).names();
        }
        if (spec.startsWith("docker-archive:")) {
            return new DockerArchive(tar(spec.substring(15)), spec).names();
        }
        if (spec.startsWith("docker-daemon:")) {
            return List.of();
        }
        if (Files.isDirectory(Path.of(spec))) {
            var tree = new DirectoryTree(Path.of(spec));
            return OciLayout.isLayout(tree) ? new OciLayout(tree, spec).names() : List.of();
        }
        var tree = tar(spec);
        if (DockerArchive.isArchive(tree)) {
            return new DockerArchive(tree, spec).names();
        }
        if (OciLayout.isLayout(tree)) {
            return new OciLayout(tree, spec).names();
        }
        return List.of();
    }

    /** Images of the Docker daemon whose {@code REPO:TAG} matches a glob ({@code demo/*}, {@code *:1.*}). */
    public static List<SourceImage> fromDaemon(String pattern, java.util.Map<String, String> env) {
        var glob = java.util.regex.Pattern.compile(NamePattern.globToRegex(
                pattern.contains(":") ? pattern : pattern + ":*"));
        return DockerDaemon.connect(env).images().stream()
                .filter(i -> glob.matcher(i.repository() + ":" + i.tag()).matches())
                .toList();
    }

    /**
     * Gets content ready for the images a plan will push: daemon images are exported together, in
     * one {@code docker save} per daemon, instead of one each.
     */
    public static void prefetch(List<SourceImage> images) {
        var daemonImages = images.stream().map(SourceImage::artifact)
                .filter(DaemonImage.class::isInstance).map(DaemonImage.class::cast).distinct().toList();
        if (!daemonImages.isEmpty()) {
            DockerDaemon.export(daemonImages);
        }
    }

    private static Tree directory(String dir) {
        var path = Path.of(dir);
        if (!Files.isDirectory(path)) {
            throw new InvalidImageException(dir + ": no such directory");
        }
        return new DirectoryTree(path);
    }

    private static Tree tar(String file) {
        var path = Path.of(file);
        if (!Files.exists(path)) {
            throw new InvalidImageException(file + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw new InvalidImageException(file + ": is a directory; use oci:" + file + " for a layout");
        }
        if (!Files.isReadable(path)) {
            throw new InvalidImageException(file + ": permission denied");
        }
        if (isCompressed(path)) {
            throw new InvalidImageException(file + ": compressed archives cannot be read in place; decompress it first (e.g. gunzip)");
        }
        if (!TarTree.looksLikeTar(path)) {
            throw new InvalidImageException(file + ": not a tar archive");
        }
        return new TarTree(path);
    }

    private static boolean isCompressed(Path path) {
        try {
            return Compression.sniff(Files.newInputStream(path)) != Compression.NONE;
        } catch (IOException e) {
            throw new HoistException(path + ": cannot read: " + e.getMessage(), HoistException.Kind.INPUT, e);
        }
    }

    /**
     * {@code PATH[:NAME]} or {@code PATH[@DIGEST]}; a path that exists whole is taken as is. Split the
     * way skopeo splits {@code oci:} references, at the first {@code :}, so NAME may hold colons and
     * slashes ({@code oci:dir:docker.io/library/alpine:3.19}); a later {@code :} is taken only when
     * the path before the first one does not exist and the path before that one does.
     */
    record PathAndRef(String path, String tag, Digest digest) {

        static PathAndRef split(String text, boolean allowDigest) {
            if (Files.exists(Path.of(text))) {
                return new PathAndRef(text, null, null);
            }
            int at = text.lastIndexOf('@');
            if (allowDigest && at > 0 && Digest.isDigest(text.substring(at + 1))) {
                var path = text.substring(0, at);
                return new PathAndRef(path.endsWith(":") && !Files.exists(Path.of(path)) ? path.substring(0, path.length() - 1) : path,
                        null, Digest.parse(text.substring(at + 1)));
            }
            int first = text.indexOf(':');
            for (int colon = first; colon > 0; colon = text.indexOf(':', colon + 1)) {
                if (Files.exists(Path.of(text.substring(0, colon)))) {
                    return of(text, colon);
                }
            }
            return first > 0 ? of(text, first) : new PathAndRef(text, null, null);
        }

        private static PathAndRef of(String text, int colon) {
            var name = text.substring(colon + 1);
            return new PathAndRef(text.substring(0, colon), name.isEmpty() ? null : name, null);
        }
    }
}
