package dev.hoist.source;

/**
 * A name an image carries in its source, as found there and split the way {@code images} shows it.
 *
 * @param ref        the name as the source holds it ({@code busybox:1.36}, {@code 1.36}): what
 *                   follows {@code oci:DIR:} or {@code docker-archive:FILE:} to select the image
 * @param repository the repository part ({@code busybox}), or null when the name is a tag alone
 * @param tag        the tag part ({@code 1.36})
 */
public record SourceName(String ref, String repository, String tag) {

    /** Splits a name as found in a layout or archive; null for an image without a name. */
    static SourceName parse(String ref) {
        if (ref == null || ref.isEmpty()) {
            return null;
        }
        int slash = ref.lastIndexOf('/');
        int colon = ref.lastIndexOf(':');
        if (colon > slash) {
            var repo = ref.substring(0, colon);
            return new SourceName(ref, repo.isEmpty() ? null : repo, ref.substring(colon + 1));
        }
        if (slash < 0 && dev.hoist.image.ImageRef.isValidTag(ref)) {
            return new SourceName(ref, null, ref);
        }
        return new SourceName(ref, ref, "latest");
    }
}
