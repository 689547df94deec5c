package dev.hoist.source;

import dev.hoist.image.InvalidImageException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * An uncompressed tar archive, indexed once by reading its headers (never its contents). Each
 * open reads one member straight from the file at its offset, so members stream in parallel
 * without extracting anything. Understands ustar, GNU long names and PAX headers; symlinks and
 * hard links resolve inside the archive only.
 */
final class TarTree implements Tree {

    private record Entry(String name, char type, long offset, long size, String link) {
    }

    private static final int BLOCK = TarFormat.BLOCK;
    private static final int MAX_LINK_DEPTH = 16;

    private final Path file;
    private final Map<String, Entry> entries = new HashMap<>();

    TarTree(Path file) {
        this.file = file;
        try (var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            index(channel);
        } catch (IOException e) {
            throw new InvalidImageException(file + ": cannot read archive: " + e.getMessage(), e);
        } catch (InvalidImageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidImageException(file + ": corrupt tar archive (" + e.getMessage() + ")", e);
        }
    }

    /** Whether the file starts with a tar header, by its checksum. */
    static boolean looksLikeTar(Path file) {
        try (var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            var header = ByteBuffer.allocate(BLOCK);
            return readFully(channel, header, 0) && TarFormat.checksumOk(header.array());
        } catch (IOException e) {
            return false;
        }
    }

    private void index(FileChannel channel) throws IOException {
        long length = channel.size();
        long pos = 0;
        String longName = null;
        String longLink = null;
        Map<String, String> pax = Map.of();
        var header = ByteBuffer.allocate(BLOCK);
        while (true) {
            header.clear();
            if (!readFully(channel, header, pos)) {
                if (entries.isEmpty()) {
                    throw new InvalidImageException(file + ": not a tar archive (too short)");
                }
                // Tolerate a missing end-of-archive marker as tar does, but not a cut member.
                return;
            }
            var h = header.array();
            if (TarFormat.isZero(h)) {
                return;
            }
            if (!TarFormat.checksumOk(h)) {
                throw new InvalidImageException(file + ": not a tar archive, or corrupt at byte " + pos);
            }
            char type = (char) (h[156] == 0 ? '0' : h[156]);
            long size = TarFormat.parseNumber(h, 124, 12, pos, file);
            if (size < 0) {
                throw new InvalidImageException(file + ": corrupt tar header at byte " + pos + " (negative size)");
            }
            long data = pos + BLOCK;
            if (data + size > length) {
                throw new InvalidImageException(file + ": archive is truncated (member at byte " + pos
                        + " needs " + size + " bytes, the file ends at " + length + ")");
            }
            long next = data + ((size + BLOCK - 1) / BLOCK) * BLOCK;
            switch (type) {
                case 'L' -> longName = readString(channel, data, size);
                case 'K' -> longLink = readString(channel, data, size);
                case 'x' -> pax = TarFormat.parsePax(readString(channel, data, size));
                case 'g' -> { }
                default -> {
                    var name = longName != null ? longName : pax.getOrDefault("path", TarFormat.headerName(h));
                    var link = longLink != null ? longLink : pax.getOrDefault("linkpath", TarFormat.string(h, 157, 100));
                    if (pax.containsKey("size")) {
                        try {
                            size = Long.parseLong(pax.get("size").trim());
                        } catch (NumberFormatException e) {
                            size = -1;
                        }
                        if (size < 0) {
                            throw new InvalidImageException(file + ": corrupt PAX size at byte " + pos);
                        }
                        next = data + ((size + BLOCK - 1) / BLOCK) * BLOCK;
                        if (data + size > length) {
                            throw new InvalidImageException(file + ": archive is truncated");
                        }
                    }
                    var normalized = lenientNormalize(name);
                    if (normalized != null && !normalized.isEmpty()) {
                        entries.put(normalized, new Entry(normalized, type, data, size, link));
                    }
                    longName = null;
                    longLink = null;
                    pax = Map.of();
                }
            }
            pos = next;
        }
    }

    /** Member names that would leave the archive are kept out of the index rather than failing it. */
    private String lenientNormalize(String name) {
        try {
            return Tree.normalize(name(), name.startsWith("/") ? name.substring(1) : name);
        } catch (InvalidImageException e) {
            return null;
        }
    }

    private Entry resolve(String path) {
        var current = Tree.normalize(name(), path);
        for (int depth = 0; depth < MAX_LINK_DEPTH; depth++) {
            var e = entries.get(current);
            if (e == null) {
                return null;
            }
            switch (e.type) {
                case '2' -> {
                    var link = e.link;
                    if (link.startsWith("/")) {
                        throw new InvalidImageException(name() + ": " + path + " is a symlink to an absolute path; refusing to follow it");
                    }
                    int slash = current.lastIndexOf('/');
                    var base = slash < 0 ? "" : current.substring(0, slash + 1);
                    try {
                        current = Tree.normalize(name(), base + link);
                    } catch (InvalidImageException ex) {
                        throw new InvalidImageException(name() + ": " + path + " links outside the archive ('" + link + "'); refusing to follow it");
                    }
                }
                case '1' -> current = Tree.normalize(name(), e.link);
                case '0', '7' -> {
                    return e;
                }
                default -> {
                    return null;
                }
            }
        }
        throw new InvalidImageException(name() + ": " + path + ": too many levels of links");
    }

    @Override
    public OptionalLong size(String path) {
        var e = resolve(path);
        return e == null ? OptionalLong.empty() : OptionalLong.of(e.size);
    }

    @Override
    public InputStream open(String path) throws IOException {
        var e = resolve(path);
        if (e == null) {
            throw new java.io.FileNotFoundException(name() + ": " + path + " is missing");
        }
        var channel = FileChannel.open(file, StandardOpenOption.READ);
        channel.position(e.offset);
        return new TarFormat.BoundedInputStream(Channels.newInputStream(channel), e.size);
    }

    @Override
    public String name() {
        return file.toString();
    }

    private static boolean readFully(FileChannel channel, ByteBuffer buffer, long pos) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos + buffer.position());
            if (n < 0) {
                return false;
            }
        }
        return true;
    }

    private String readString(FileChannel channel, long pos, long size) throws IOException {
        if (size > 1 << 20) {
            throw new InvalidImageException(file + ": oversized tar extension header at byte " + pos);
        }
        var buffer = ByteBuffer.allocate((int) size);
        readFully(channel, buffer, pos);
        var s = new String(buffer.array(), StandardCharsets.UTF_8);
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }
}
