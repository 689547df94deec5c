package dev.hoist.source;

import dev.hoist.image.InvalidImageException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** A directory on disk; symlinks are followed only while they stay inside it. */
final class DirectoryTree implements Tree {

    private final Path root;
    private final Path realRoot;

    DirectoryTree(Path root) {
        this.root = root;
        try {
            this.realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new InvalidImageException(root + ": cannot open directory: " + e.getMessage(), e);
        }
    }

    private Path resolve(String path) {
        var file = root.resolve(Tree.normalize(name(), path));
        if (Files.exists(file)) {
            try {
                if (!file.toRealPath().startsWith(realRoot)) {
                    throw new InvalidImageException(name() + ": " + path + " links outside the layout; refusing to follow it");
                }
            } catch (IOException e) {
                throw new InvalidImageException(name() + ": cannot resolve " + path + ": " + e.getMessage(), e);
            }
        }
        return file;
    }

    @Override
    public OptionalLong size(String path) {
        var file = resolve(path);
        if (!Files.isRegularFile(file)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Files.size(file));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public InputStream open(String path) throws IOException {
        return Files.newInputStream(resolve(path));
    }

    @Override
    public String name() {
        return root.toString();
    }
}
