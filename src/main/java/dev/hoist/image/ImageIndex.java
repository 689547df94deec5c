package dev.hoist.image;

import java.util.List;

/** A multi-platform image: the index bytes as stored and its children, in index order; its referrers. */
public record ImageIndex(String name, Index index, List<Artifact> children, List<Artifact> referrers) implements Artifact {

    public ImageIndex {
        children = List.copyOf(children);
        referrers = referrers == null ? List.of() : List.copyOf(referrers);
    }

    public ImageIndex(String name, Index index, List<Artifact> children) {
        this(name, index, children, List.of());
    }
}
