package dev.hoist.credentials;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoist.HoistException;
import dev.hoist.image.Json;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * hoist's own credentials, written by {@code hoist login}: the secret in the OS keyring where one
 * answers, otherwise in {@code credentials.json} under the config directory with mode 0600. The
 * file also lists which registries have their secret in the keyring, so {@code login --list}
 * can say where each one lives. A file others can read is refused, not read.
 */
public final class HoistStore implements CredentialSource {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final Keyring keyring;

    public HoistStore(Path configDir, Keyring keyring) {
        this.file = configDir.resolve("credentials.json");
        this.keyring = keyring;
    }

    public Path file() {
        return file;
    }

    @Override
    public String name() {
        return "hoist login";
    }

    @Override
    public Optional<Credentials> lookup(String registry) {
        var entry = read().get(registry);
        if (entry == null) {
            return Optional.empty();
        }
        var user = Json.text(entry, "username");
        if ("keyring".equals(Json.text(entry, "store"))) {
            return keyring.get(registry).map(secret -> Credentials.basic(user, secret, "hoist login (" + keyring.name() + ")"));
        }
        var password = Json.text(entry, "password");
        return password == null ? Optional.empty() : Optional.of(Credentials.basic(user, password, "hoist login (" + file + ")"));
    }

    /** Stores a login; returns where the secret went. */
    public String store(String registry, String username, String password) {
        var entries = read();
        var entry = Json.MAPPER.createObjectNode();
        entry.put("username", username);
        String where;
        if (keyring.available() && keyring.put(registry, username, password)) {
            entry.put("store", "keyring");
            where = keyring.name();
        } else {
            entry.put("store", "file");
            entry.put("password", password);
            where = file.toString();
        }
        entries.put(registry, entry);
        write(entries);
        return where;
    }

    /** Removes a login; returns whether there was one. */
    public boolean remove(String registry) {
        var entries = read();
        var entry = entries.remove(registry);
        if (entry == null) {
            return false;
        }
        if ("keyring".equals(Json.text(entry, "store"))) {
            keyring.remove(registry);
        }
        write(entries);
        return true;
    }

    /** Registry to where its secret lives ("keyring name" or the file), never the secret. */
    public Map<String, String> list() {
        var out = new LinkedHashMap<String, String>();
        read().forEach((registry, entry) -> out.put(registry, Json.text(entry, "username") + " in "
                + ("keyring".equals(Json.text(entry, "store")) ? keyring.name() : file.toString())));
        return out;
    }

    private Map<String, ObjectNode> read() {
        var out = new LinkedHashMap<String, ObjectNode>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        checkMode();
        try {
            var root = Json.parse(Files.readAllBytes(file), file.toString());
            var registries = root.get("registries");
            if (registries != null && registries.isObject()) {
                registries.fields().forEachRemaining(e -> {
                    if (e.getValue().isObject()) {
                        out.put(e.getKey(), (ObjectNode) e.getValue());
                    }
                });
            }
            return out;
        } catch (IOException e) {
            throw new HoistException(file + ": cannot read: " + e.getMessage(), HoistException.Kind.INPUT, e);
        }
    }

    private void checkMode() {
        try {
            var perms = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(perms)) {
                throw new HoistException(file + " is readable by others (mode " + PosixFilePermissions.toString(perms)
                        + "); refusing to read it: run chmod 600 " + file, HoistException.Kind.INPUT);
            }
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system: nothing to check.
        } catch (IOException e) {
            throw new HoistException(file + ": cannot read: " + e.getMessage(), HoistException.Kind.INPUT, e);
        }
    }

    private void write(Map<String, ObjectNode> entries) {
        try {
            Files.createDirectories(file.getParent());
            var root = Json.MAPPER.createObjectNode();
            var registries = root.putObject("registries");
            entries.forEach(registries::set);
            var tmp = file.resolveSibling(".credentials.json.tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
            Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new HoistException(file + ": cannot write: " + e.getMessage(), HoistException.Kind.INPUT, e);
        }
    }
}
