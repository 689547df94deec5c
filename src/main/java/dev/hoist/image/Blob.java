package dev.hoist.image;

import java.io.IOException;
import java.io.InputStream;

/** A blob whose digest and size are known up front; its bytes are verified as they are read. */
public record Blob(Descriptor descriptor, Content content) implements Layer {

    public InputStream open() throws IOException {
        return new VerifyingInputStream(Content.openOrFail(content), descriptor.digest(), descriptor.size(), content.location());
    }

    public Digest digest() {
        return descriptor.digest();
    }

    public long size() {
        return descriptor.size();
    }

    @Override
    public String pushKey() {
        return descriptor.digest().toString();
    }

    @Override
    public long sourceSize() {
        return descriptor.size();
    }
}
