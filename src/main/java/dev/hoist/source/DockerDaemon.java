package dev.hoist.source;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.hoist.HoistException;
import dev.hoist.image.Digest;
import dev.hoist.image.ImageConfig;
import dev.hoist.image.Json;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Docker daemon as a source, through docker-java on its httpclient5 transport. Images are listed
 * from the daemon's metadata (no export); the ones a plan selects are exported together in one
 * {@code docker save}, streamed through a {@link DaemonExport}: each layer is pushed as soon as the
 * export has passed it, while the export goes on.
 */
public final class DockerDaemon {

    private static final Map<String, DockerDaemon> CONNECTED = new ConcurrentHashMap<>();

    private final String host;
    private final DockerClient client;

    private DockerDaemon(String host, DockerClient client) {
        this.host = host;
        this.client = client;
    }

    /** The daemon of {@code DOCKER_HOST}, the current Docker context, or the default socket. */
    public static DockerDaemon connect(Map<String, String> env) {
        var host = host(env);
        return CONNECTED.computeIfAbsent(host, h -> {
            var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(h).build();
            var http = new ApacheDockerHttpClient.Builder()
                    .dockerHost(config.getDockerHost())
                    .sslConfig(config.getSSLConfig())
                    .maxConnections(8)
                    .connectionTimeout(Duration.ofSeconds(5))
                    .responseTimeout(Duration.ofMinutes(30))
                    .build();
            var client = DockerClientImpl.getInstance(config, http);
            try {
                client.pingCmd().exec();
            } catch (RuntimeException e) {
                throw new HoistException("no Docker daemon answers at " + h + " (set DOCKER_HOST): " + firstLine(e),
                        HoistException.Kind.INPUT, e);
            }
            return new DockerDaemon(h, client);
        });
    }

    /** The daemon's address: DOCKER_HOST, the current Docker context's, or the default socket. */
    public static String host(Map<String, String> env) {
        var fromEnv = env.get("DOCKER_HOST");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        var context = contextHost(env);
        return context != null ? context : "unix:///var/run/docker.sock";
    }

    /** The host of the current Docker context ({@code DOCKER_CONTEXT} or config.json's currentContext). */
    private static String contextHost(Map<String, String> env) {
        try {
            var configDir = env.get("DOCKER_CONFIG") != null ? Path.of(env.get("DOCKER_CONFIG"))
                    : dev.hoist.Dirs.home(env).resolve(".docker");
            var name = env.get("DOCKER_CONTEXT");
            if (name == null && Files.isRegularFile(configDir.resolve("config.json"))) {
                name = Json.text(Json.parse(Files.readAllBytes(configDir.resolve("config.json")), "docker config"), "currentContext");
            }
            if (name == null || name.isBlank() || name.equals("default")) {
                return null;
            }
            var id = Digest.sha256(name.getBytes(StandardCharsets.UTF_8)).hex();
            var meta = configDir.resolve("contexts").resolve("meta").resolve(id).resolve("meta.json");
            var node = Json.parse(Files.readAllBytes(meta), meta.toString());
            var endpoint = node.path("Endpoints").path("docker").path("Host");
            return endpoint.isTextual() ? endpoint.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public String host() {
        return host;
    }

    /** Every tagged image of the daemon, one entry per tag, from its metadata. */
    public List<SourceImage> images() {
        var out = new ArrayList<SourceImage>();
        for (var summary : client.listImagesCmd().exec()) {
            var tags = summary.getRepoTags();
            if (tags == null) {
                continue;
            }
            DaemonImage image = null;
            for (var tag : tags) {
                if (tag == null || tag.equals("<none>:<none>")) {
                    continue;
                }
                if (image == null) {
                    image = new DaemonImage(this, tag, info(summary.getId()));
                }
                out.add(SourceImage.named("docker-daemon:" + tag, tag, image));
            }
        }
        return out;
    }

    /** The {@code REPO:TAG} names of the daemon's images, from one listing (nothing inspected): what Tab offers. */
    public List<String> tags() {
        var out = new ArrayList<String>();
        for (var summary : client.listImagesCmd().exec()) {
            if (summary.getRepoTags() != null) {
                for (var tag : summary.getRepoTags()) {
                    if (tag != null && !tag.equals("<none>:<none>")) {
                        out.add(tag);
                    }
                }
            }
        }
        return out;
    }

    /** One image by {@code REPO:TAG} (or ID). */
    public SourceImage image(String ref) {
        InspectImageResponse inspect;
        try {
            inspect = client.inspectImageCmd(ref).exec();
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            throw new HoistException("docker-daemon:" + ref + ": no such image in the daemon at " + host, HoistException.Kind.INPUT, e);
        }
        var image = new DaemonImage(this, ref, info(inspect));
        return SourceImage.named("docker-daemon:" + ref, ref.contains(":") && !Digest.isDigest(ref) ? ref : null, image);
    }

    private DaemonImage.Info info(String id) {
        return info(client.inspectImageCmd(id).exec());
    }

    private static DaemonImage.Info info(InspectImageResponse r) {
        var diffIds = new ArrayList<Digest>();
        if (r.getRootFS() != null && r.getRootFS().getLayers() != null) {
            r.getRootFS().getLayers().forEach(l -> diffIds.add(Digest.parse(l)));
        }
        Map<String, String> labels = r.getConfig() != null && r.getConfig().getLabels() != null
                ? new LinkedHashMap<>(r.getConfig().getLabels()) : Map.of();
        Instant created = null;
        try {
            created = r.getCreated() == null ? null : OffsetDateTime.parse(r.getCreated()).toInstant();
        } catch (RuntimeException ignored) {
            // An unreadable date filters as unknown.
        }
        var meta = new ImageConfig(Map.copyOf(labels), created, r.getOs(), r.getArch(), null);
        return new DaemonImage.Info(Digest.parse(r.getId()), r.getSize() == null ? 0 : r.getSize(), meta, List.copyOf(diffIds));
    }

    /**
     * Starts one {@code docker save} of these images and hands each its export. Images already
     * exported are left alone.
     */
    static void export(List<DaemonImage> images) {
        var byDaemon = new LinkedHashMap<DockerDaemon, List<DaemonImage>>();
        for (var image : images) {
            if (!image.exported()) {
                byDaemon.computeIfAbsent(image.daemon(), d -> new ArrayList<>()).add(image);
            }
        }
        byDaemon.forEach(DockerDaemon::exportFrom);
    }

    private void exportFrom(List<DaemonImage> images) {
        var save = client.saveImagesCmd();
        var refs = new ArrayList<String>();
        for (var image : images) {
            var ref = image.ref();
            int colon = ref.lastIndexOf(':');
            if (colon > ref.lastIndexOf('/') && !Digest.isDigest(ref)) {
                save = save.withImage(ref.substring(0, colon), ref.substring(colon + 1));
            } else {
                save = save.withImage(ref, null);
            }
            refs.add(ref);
        }
        var what = "docker-daemon:" + String.join(",", refs);
        var command = save;
        var export = new DaemonExport(what, () -> {
            try {
                return command.exec();
            } catch (RuntimeException e) {
                throw new HoistException(what + ": the daemon did not export: " + firstLine(e), HoistException.Kind.INPUT, e);
            }
        });
        images.forEach(image -> image.exportedAs(export));
    }

    /** Loads a docker-save archive into the daemon, as {@code docker load} does. */
    public void load(Path archive) {
        try (var in = Files.newInputStream(archive)) {
            client.loadImageCmd(in).exec();
        } catch (IOException | RuntimeException e) {
            throw new HoistException(archive + ": the daemon at " + host + " did not load it: " + e.getMessage(),
                    HoistException.Kind.REMOTE, e);
        }
    }

    private static String firstLine(RuntimeException e) {
        var m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
