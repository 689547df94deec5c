package dev.hoist.source;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import dev.hoist.Dirs;
import dev.hoist.HoistException;
import dev.hoist.credentials.CredentialStore;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Builds an image from a directory with Jib Core into a tar archive; hoist's engine then pushes
 * that archive like any other source (Jib never talks to the target). Reproducible: Jib's fixed
 * file times and order, and a fixed creation time unless one is asked for, so the same inputs give
 * the same digest on every run.
 *
 * @param dir the directory whose contents become a layer at {@code dest}
 * @param base {@code scratch}, a registry reference, or a docker-save tar ({@code tar:FILE} or a path ending in .tar)
 * @param layers extra layers, {@code SRC:DEST} each
 */
public record DirectoryBuild(Path dir, String dest, String base, List<String> entrypoint, List<String> cmd,
                             Map<String, String> env, Map<String, String> labels, String workdir, String user,
                             List<String> expose, String platform, List<String> layers, Instant created,
                             boolean docker) {

    public DirectoryBuild {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(env));
        labels = labels == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(labels));
        expose = expose == null ? List.of() : List.copyOf(expose);
        layers = layers == null ? List.of() : List.copyOf(layers);
    }

    /**
     * Builds into {@code out} (a docker-save tar that {@code docker load} and hoist read), named {@code name}.
     *
     * @param insecure let Jib reach a base image's registry over plain HTTP or untrusted TLS
     */
    public void buildTar(Path out, String name, CredentialStore credentials, boolean insecure) {
        if (!Files.isDirectory(dir)) {
            throw new HoistException(dir + ": no such directory", HoistException.Kind.USAGE);
        }
        try {
            var builder = from(credentials);
            builder.addFileEntriesLayer(layer(dir, dest, "app"));
            for (var layer : layers) {
                int colon = layer.lastIndexOf(':');
                if (colon <= 0) {
                    throw new HoistException("--layer '" + layer + "': expected SRC:DEST", HoistException.Kind.USAGE);
                }
                var src = Path.of(layer.substring(0, colon));
                if (!Files.exists(src)) {
                    throw new HoistException("--layer '" + layer + "': " + src + " does not exist", HoistException.Kind.USAGE);
                }
                var target = layer.substring(colon + 1);
                if (!Files.isDirectory(src)) {
                    target = target.endsWith("/") ? target + src.getFileName() : target;
                }
                builder.addFileEntriesLayer(layer(src, target, "layer"));
            }
            if (!entrypoint.isEmpty()) {
                builder.setEntrypoint(entrypoint);
            }
            if (!cmd.isEmpty()) {
                builder.setProgramArguments(cmd);
            }
            env.forEach(builder::addEnvironmentVariable);
            labels.forEach(builder::addLabel);
            if (workdir != null) {
                builder.setWorkingDirectory(AbsoluteUnixPath.get(workdir));
            }
            if (user != null) {
                builder.setUser(user);
            }
            for (var port : expose) {
                builder.addExposedPort(Port.parseProtocol(port.contains("/") ? Integer.parseInt(port.substring(0, port.indexOf('/'))) : Integer.parseInt(port),
                        port.contains("/") ? port.substring(port.indexOf('/') + 1) : "tcp"));
            }
            if (platform != null) {
                var parts = platform.split("/");
                builder.setPlatforms(Set.of(new com.google.cloud.tools.jib.api.buildplan.Platform(parts[1], parts[0])));
            }
            builder.setFormat(docker ? ImageFormat.Docker : ImageFormat.OCI);
            builder.setCreationTime(created != null ? created : Instant.EPOCH);
            if (insecure) {
                // Jib sends credentials over plain HTTP only when told so, as docker does for insecure registries.
                System.setProperty("sendCredentialsOverHttp", "true");
            }
            var cache = Dirs.cache().resolve("jib");
            var containerizer = Containerizer.to(TarImage.at(out).named(name))
                    .setToolName("hoist")
                    .setAllowInsecureRegistries(insecure)
                    .setBaseImageLayersCache(cache.resolve("base"))
                    .setApplicationLayersCache(cache.resolve("application"));
            builder.containerize(containerizer);
        } catch (InvalidImageReferenceException e) {
            throw new HoistException("not an image reference: " + e.getMessage(), HoistException.Kind.USAGE, e);
        } catch (IOException | ExecutionException | com.google.cloud.tools.jib.api.CacheDirectoryCreationException
                 | com.google.cloud.tools.jib.api.RegistryException e) {
            var cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new HoistException("build of " + dir + " failed: " + cause.getMessage(), HoistException.Kind.REMOTE, e);
        } catch (NumberFormatException e) {
            throw new HoistException("--expose: not a port: " + e.getMessage(), HoistException.Kind.USAGE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HoistException("interrupted", HoistException.Kind.CANCELLED, e);
        }
    }

    /**
     * A layer of {@code src} (a directory's contents, or one file) at {@code dest}, keeping each
     * file's permission bits (an executable stays executable); times stay Jib's fixed ones.
     */
    private static com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer layer(Path src, String dest, String name)
            throws IOException {
        var builder = com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer.builder().setName(name);
        com.google.cloud.tools.jib.api.buildplan.FilePermissionsProvider modes = (source, inContainer) -> {
            try {
                return com.google.cloud.tools.jib.api.buildplan.FilePermissions.fromPosixFilePermissions(
                        Files.getPosixFilePermissions(source));
            } catch (IOException | UnsupportedOperationException e) {
                return Files.isDirectory(source) ? com.google.cloud.tools.jib.api.buildplan.FilePermissions.DEFAULT_FOLDER_PERMISSIONS
                        : com.google.cloud.tools.jib.api.buildplan.FilePermissions.DEFAULT_FILE_PERMISSIONS;
            }
        };
        if (Files.isDirectory(src)) {
            try (var children = Files.list(src)) {
                for (var child : children.sorted().toList()) {
                    builder.addEntryRecursive(child, AbsoluteUnixPath.get(dest).resolve(child.getFileName().toString()), modes);
                }
            }
        } else {
            builder.addEntryRecursive(src, AbsoluteUnixPath.get(dest), modes);
        }
        return builder.build();
    }

    private JibContainerBuilder from(CredentialStore credentials) throws InvalidImageReferenceException {
        if (base == null || base.equals("scratch")) {
            return Jib.fromScratch();
        }
        if (base.startsWith("tar:") || base.endsWith(".tar")) {
            var path = Path.of(base.startsWith("tar:") ? base.substring(4) : base);
            if (!Files.isRegularFile(path)) {
                throw new HoistException("--from " + base + ": no such file", HoistException.Kind.USAGE);
            }
            try {
                return Jib.from(TarImage.at(jibReadable(path)));
            } catch (IOException e) {
                throw new HoistException("--from " + base + ": not a readable tar: " + e.getMessage(), HoistException.Kind.INPUT, e);
            }
        }
        var ref = ImageReference.parse(base);
        var image = RegistryImage.named(ref);
        var creds = credentials.lookup(ref.getRegistry());
        if (creds.hasPassword()) {
            image.addCredential(creds.username(), creds.password());
        } else if (creds.token() != null) {
            image.addCredentialRetriever(() -> java.util.Optional.of(Credential.from(Credential.OAUTH2_TOKEN_USER_NAME, creds.token())));
        }
        return Jib.from(image);
    }

    /**
     * The base tar as Jib's {@code TarImage} can unpack it. Jib refuses a member named {@code ./}
     * (it resolves to the unpack directory itself, which its zip-slip check rejects), and
     * {@code tar -C DIR -cf base.tar .} writes one first; docker load, skopeo and hoist's own push
     * read such a tar. So a tar with one is copied once into the spool without the {@code ./}
     * prefixes (removed when the command ends); any other goes to Jib as it is.
     */
    private static Path jibReadable(Path tar) throws IOException {
        boolean dotted = false;
        try (var in = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tar)))) {
            for (var e = in.getNextEntry(); e != null && !dotted; e = in.getNextEntry()) {
                dotted = stripDots(e.getName()).isEmpty();
            }
        }
        if (!dotted) {
            return tar;
        }
        var copy = Spool.create("--from " + tar);
        try (var in = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tar)));
             var out = new TarArchiveOutputStream(new BufferedOutputStream(Files.newOutputStream(copy)))) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                var name = stripDots(e.getName());
                if (name.isEmpty()) {
                    continue;
                }
                e.setName(name);
                out.putArchiveEntry(e);
                if (!e.isDirectory()) {
                    in.transferTo(out);
                }
                out.closeArchiveEntry();
            }
        }
        return copy;
    }

    private static String stripDots(String name) {
        var n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n.equals(".") ? "" : n;
    }
}
