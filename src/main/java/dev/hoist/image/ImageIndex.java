package dev.hoist.image;

import java.util.List;

/** A multi-platform image: the index bytes as stored and its children, in index order. */
public record ImageIndex(String name, Index index, List<Artifact> children) implements Artifact {

    public ImageIndex {
        children = List.copyOf(children);
    }
}
