package dev.hoist.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON reading and writing for manifests, indexes and configs, on one shared mapper. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static JsonNode parse(byte[] bytes, String what) {
        try {
            var node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new InvalidImageException(what + " is not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Only where, never what: the text may be a credentials file, and the parser quotes it.
            var at = e.getLocation();
            throw new InvalidImageException(what + " is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new InvalidImageException(what + " is not valid JSON");
        }
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    public static String text(JsonNode node, String field) {
        var value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    public static Descriptor descriptor(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new InvalidImageException(what + ": descriptor missing");
        }
        var mediaType = text(node, "mediaType");
        var digestText = text(node, "digest");
        var size = node.get("size");
        if (digestText == null || size == null || !size.canConvertToLong() || size.asLong() < 0) {
            throw new InvalidImageException(what + ": descriptor needs a digest and a size");
        }
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (IllegalArgumentException e) {
            throw new InvalidImageException(what + ": " + e.getMessage());
        }
        Platform platform = null;
        var p = node.get("platform");
        if (p != null && p.isObject()) {
            List<String> features = new ArrayList<>();
            var f = p.get("os.features");
            if (f != null && f.isArray()) {
                f.forEach(x -> features.add(x.asText()));
            }
            platform = new Platform(text(p, "os"), text(p, "architecture"), text(p, "variant"),
                    text(p, "os.version"), features);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        var a = node.get("annotations");
        if (a != null && a.isObject()) {
            a.fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        }
        List<String> urls = new ArrayList<>();
        var u = node.get("urls");
        if (u != null && u.isArray()) {
            u.forEach(x -> urls.add(x.asText()));
        }
        return new Descriptor(mediaType, digest, size.asLong(), platform, annotations, text(node, "artifactType"), urls);
    }

    public static List<Descriptor> descriptors(JsonNode node, String field, String what) {
        var array = node.get(field);
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new InvalidImageException(what + ": '" + field + "' is not a list");
        }
        var out = new ArrayList<Descriptor>();
        for (int i = 0; i < array.size(); i++) {
            out.add(descriptor(array.get(i), what + " " + field + "[" + i + "]"));
        }
        return List.copyOf(out);
    }

    /** Writes a descriptor the way the OCI and Docker specs order its fields. */
    public static ObjectNode toJson(Descriptor d) {
        var node = MAPPER.createObjectNode();
        node.put("mediaType", d.mediaType());
        node.put("size", d.size());
        node.put("digest", d.digest().toString());
        if (!d.annotations().isEmpty()) {
            var a = node.putObject("annotations");
            d.annotations().forEach(a::put);
        }
        if (!d.urls().isEmpty()) {
            d.urls().forEach(node.putArray("urls")::add);
        }
        return node;
    }

    public static ArrayNode toJson(List<Descriptor> descriptors) {
        var array = MAPPER.createArrayNode();
        descriptors.forEach(d -> array.add(toJson(d)));
        return array;
    }
}
