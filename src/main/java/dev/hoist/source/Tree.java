package dev.hoist.source;

import dev.hoist.image.Content;
import dev.hoist.image.InvalidImageException;

import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * A read-only file tree: a directory or the inside of a tar archive. Layout and archive readers
 * work on this, so one reader serves both. Paths are relative, with '/' separators; a path or
 * link that leaves the tree is an error, never followed.
 */
interface Tree {

    /** The size of a regular file at {@code path}, or empty when there is none. */
    OptionalLong size(String path);

    InputStream open(String path) throws IOException;

    /** A name for messages: the directory or archive path. */
    String name();

    default boolean exists(String path) {
        return size(path).isPresent();
    }

    default Content content(String path) {
        var tree = this;
        return new Content() {
            @Override
            public InputStream open() throws IOException {
                return tree.open(path);
            }

            @Override
            public String location() {
                return tree.name() + ": " + path;
            }
        };
    }

    /** Reads a small file whole (manifests, configs, indexes), refusing anything over {@code max}. */
    default byte[] read(String path, int max) {
        var size = size(path);
        if (size.isEmpty()) {
            throw new InvalidImageException(name() + ": " + path + " is missing");
        }
        if (size.getAsLong() > max) {
            throw new InvalidImageException(name() + ": " + path + " is " + size.getAsLong() + " bytes, over the limit of " + max);
        }
        try (var in = open(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new InvalidImageException(name() + ": cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Normalises a relative path, refusing absolute paths and ".." that would leave the tree. */
    static String normalize(String treeName, String path) {
        var parts = new java.util.ArrayDeque<String>();
        var p = path.replace('\\', '/');
        if (p.startsWith("/")) {
            throw new InvalidImageException(treeName + ": path '" + path + "' is absolute; it must stay inside the archive or layout");
        }
        for (var part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new InvalidImageException(treeName + ": path '" + path + "' escapes the archive or layout");
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }
}
