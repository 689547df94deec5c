package dev.hoist.image;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OCI 1.1 referrers relation: a manifest whose {@code subject} names another (a signature, an
 * SBOM, an attestation), and the referrers tag schema index ({@code sha256-<hex>}) kept for
 * registries that do not answer the referrers API.
 */
public final class Referrers {

    private Referrers() {
    }

    /** The digest a manifest's {@code subject} names, if it has one. */
    public static Optional<Digest> subject(byte[] raw, String what) {
        var subject = Json.parse(raw, what).get("subject");
        if (subject == null || !subject.isObject()) {
            return Optional.empty();
        }
        return Optional.of(Json.descriptor(subject, what + " subject").digest());
    }

    /**
     * A referrer as the referrers API lists it: its media type, digest and size, its
     * {@code artifactType} (else its config's media type) and its annotations.
     */
    public static Descriptor descriptor(byte[] raw, String mediaType, String what) {
        var node = Json.parse(raw, what);
        var artifactType = Json.text(node, "artifactType");
        var config = node.get("config");
        if (artifactType == null && config != null && config.isObject()) {
            artifactType = Json.text(config, "mediaType");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        var a = node.get("annotations");
        if (a != null && a.isObject()) {
            a.fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        }
        return new Descriptor(mediaType, Digest.sha256(raw), raw.length, null, annotations, artifactType);
    }

    /** The tag of the referrers tag schema: {@code <alg>-<hex>}, the hex cut to 64 characters. */
    public static String fallbackTag(Digest subject) {
        var hex = subject.hex();
        return subject.algorithm() + "-" + (hex.length() > 64 ? hex.substring(0, 64) : hex);
    }

    /**
     * The fallback index with {@code referrers} added to what {@code existing} lists (null when
     * there is none yet), or empty when it lists them all already and need not be written.
     */
    public static Optional<byte[]> fallbackIndex(byte[] existing, List<Descriptor> referrers, String what) {
        var entries = new ArrayList<ObjectNode>();
        var known = new java.util.HashSet<String>();
        if (existing != null) {
            var manifests = Json.parse(existing, what).get("manifests");
            if (manifests != null && manifests.isArray()) {
                for (var m : manifests) {
                    if (m.isObject()) {
                        entries.add((ObjectNode) m);
                        known.add(Json.text(m, "digest"));
                    }
                }
            }
        }
        int before = entries.size();
        for (var r : referrers) {
            if (known.add(r.digest().toString())) {
                entries.add(toJson(r));
            }
        }
        if (existing != null && entries.size() == before) {
            return Optional.empty();
        }
        var index = Json.MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        index.putArray("manifests").addAll(entries);
        return Optional.of(Json.write(index));
    }

    /** A referrer's entry in an index: the descriptor with its artifact type. */
    public static ObjectNode toJson(Descriptor d) {
        var node = Json.toJson(d);
        if (d.artifactType() != null) {
            node.put("artifactType", d.artifactType());
        }
        return node;
    }
}
