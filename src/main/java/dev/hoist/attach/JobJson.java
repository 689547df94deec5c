package dev.hoist.attach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoist.engine.JobSnapshot;
import dev.hoist.engine.PushEvent;
import dev.hoist.image.Digest;
import dev.hoist.image.Json;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Snapshots and events as JSON, the same shape both ways: a record is an object of its components,
 * a digest its text, a duration in seconds, an instant in ISO-8601, an enum its name. An event also
 * names its kind under {@code "event"}.
 */
public final class JobJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JobJson() {
    }

    public static String event(PushEvent event) {
        var node = (ObjectNode) toJson(event);
        var out = NODES.objectNode().put("event", event.getClass().getSimpleName());
        out.setAll(node);
        return out.toString();
    }

    public static ObjectNode snapshot(JobSnapshot snapshot) {
        return (ObjectNode) toJson(snapshot);
    }

    public static JobSnapshot snapshot(JsonNode node) {
        return (JobSnapshot) fromJson(node, JobSnapshot.class);
    }

    static JsonNode toJson(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Digest d) {
            return NODES.textNode(d.toString());
        }
        if (value instanceof Duration d) {
            return NODES.numberNode(d.toNanos() / 1e9);
        }
        if (value instanceof Instant i) {
            return NODES.textNode(i.toString());
        }
        if (value instanceof Enum<?> e) {
            return NODES.textNode(e.name());
        }
        if (value instanceof java.util.Map<?, ?> m) {
            var object = NODES.objectNode();
            m.forEach((k, v) -> object.set(String.valueOf(k), toJson(v)));
            return object;
        }
        if (value instanceof Collection<?> c) {
            var array = NODES.arrayNode();
            c.forEach(v -> array.add(toJson(v)));
            return array;
        }
        if (value instanceof Record r) {
            var object = NODES.objectNode();
            for (var component : r.getClass().getRecordComponents()) {
                object.set(component.getName(), toJson(read(component, r)));
            }
            return object;
        }
        return NODES.textNode(value.toString());
    }

    private static Object read(RecordComponent component, Record r) {
        try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object fromJson(JsonNode node, Type type) {
        if (node == null || node.isNull()) {
            return type == int.class ? 0 : type == long.class ? 0L : type == double.class ? 0.0 : type == boolean.class ? false : null;
        }
        if (type instanceof ParameterizedType p && p.getRawType() == java.util.Map.class) {
            var out = new java.util.LinkedHashMap<String, Object>();
            node.fields().forEachRemaining(f -> out.put(f.getKey(), fromJson(f.getValue(), p.getActualTypeArguments()[1])));
            return out;
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            var out = new ArrayList<>();
            for (var element : node) {
                out.add(fromJson(element, p.getActualTypeArguments()[0]));
            }
            return out;
        }
        var cls = (Class<?>) type;
        if (cls == String.class) {
            return node.asText();
        }
        if (cls == int.class || cls == Integer.class) {
            return node.asInt();
        }
        if (cls == long.class || cls == Long.class) {
            return node.asLong();
        }
        if (cls == double.class || cls == Double.class) {
            return node.asDouble();
        }
        if (cls == boolean.class || cls == Boolean.class) {
            return node.asBoolean();
        }
        if (cls == Digest.class) {
            return Digest.parse(node.asText());
        }
        if (cls == Duration.class) {
            return Duration.ofNanos((long) (node.asDouble() * 1e9));
        }
        if (cls == Instant.class) {
            return Instant.parse(node.asText());
        }
        if (cls.isEnum()) {
            return Enum.valueOf((Class<Enum>) cls, node.asText());
        }
        if (cls.isRecord()) {
            var components = cls.getRecordComponents();
            var types = new Class<?>[components.length];
            var args = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                args[i] = fromJson(node.get(components[i].getName()), components[i].getGenericType());
            }
            try {
                var constructor = cls.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                return constructor.newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot read a " + cls.getSimpleName() + " from JSON", e);
            }
        }
        throw new IllegalArgumentException("cannot read a " + cls.getSimpleName() + " from JSON");
    }

    /** An event read back from its line; null for a kind this version does not know. */
    public static PushEvent pushEvent(JsonNode node) {
        var name = node.path("event").asText();
        for (var kind : PushEvent.class.getPermittedSubclasses()) {
            if (kind.getSimpleName().equals(name)) {
                return (PushEvent) fromJson(node, kind);
            }
        }
        return null;
    }

    static JsonNode parse(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a JSON line");
        }
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }
}
