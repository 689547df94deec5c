import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * How the gzip candidates of docs/benchmarks.md were compared: compressed bytes (exact) and CPU
 * seconds of one thread (steadier than wall time on a shared machine) over the distinct layers of
 * docker-save archives, e.g. those of scripts/bench's real-directory workload:
 *
 * <pre>
 *   java -Xmx4g scripts/lib/CompressionCandidates.java classes ~/.cache/hoist-bench/real-100/r*.tar
 *   java -Xmx4g scripts/lib/CompressionCandidates.java ladders ~/.cache/hoist-bench/real-100/r*.tar
 * </pre>
 *
 * {@code classes}: the input in 32 KiB pieces by order-0 entropy, each piece deflated alone (primed
 * with the 32 KiB before it) at levels 1-6: bytes out and CPU per class and level. {@code ladders}:
 * whole layers deflated as GzipInputStream does (128 KiB blocks primed with the previous 32 KiB, a
 * level per 32 KiB piece switched after a sync flush), for several entropy-to-level ladders, in
 * interleaved rounds. Not part of the build: a measuring tool.
 */
public class CompressionCandidates {

    static final int PIECE = 32 * 1024;
    static final int BLOCK = 128 * 1024;
    static final double[] C_LN_C = new double[PIECE + 1];

    static {
        for (int c = 1; c <= PIECE; c++) {
            C_LN_C[c] = c * Math.log(c);
        }
    }

    static double bits(byte[] b, int off, int n) {
        var counts = new int[256];
        for (int i = off; i < off + n; i++) {
            counts[b[i] & 0xff]++;
        }
        double sum = 0;
        for (int c : counts) {
            sum += C_LN_C[c];
        }
        return (Math.log(n) - sum / n) / Math.log(2);
    }

    /** The distinct {@code layer.tar} entries of docker-save archives (by name), read whole. */
    static List<byte[]> layers(String[] archives) throws IOException {
        var seen = new LinkedHashMap<String, byte[]>();
        for (var archive : archives) {
            try (var in = new DataInputStream(new FileInputStream(archive))) {
                var header = new byte[512];
                while (true) {
                    in.readFully(header);
                    if (header[0] == 0) {
                        break;
                    }
                    var name = new String(header, 0, 100).trim().replace("\0", "");
                    long size = Long.parseLong(new String(header, 124, 11).trim(), 8);
                    var data = new byte[(int) size];
                    in.readFully(data);
                    in.skipNBytes((512 - size % 512) % 512);
                    if (name.endsWith("layer.tar")) {
                        seen.putIfAbsent(name, data);
                    }
                }
            }
        }
        return new ArrayList<>(seen.values());
    }

    static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static void classes(List<byte[]> layers) {
        int[] levels = {1, 2, 3, 4, 5, 6};
        double[] bounds = {3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 7.8, 7.9, 7.95, 7.98, 7.99, 8.01};
        long[] in = new long[bounds.length];
        long[][] out = new long[bounds.length][levels.length];
        long[][] ns = new long[bounds.length][levels.length];
        var buffer = new byte[2 * PIECE + 1024];
        for (var data : layers) {
            for (int off = 0; off < data.length; off += PIECE) {
                int n = Math.min(PIECE, data.length - off);
                double e = bits(data, off, n);
                int c = 0;
                while (e >= bounds[c]) {
                    c++;
                }
                in[c] += n;
                for (int k = 0; k < levels.length; k++) {
                    var d = new Deflater(levels[k], true);
                    if (off >= PIECE) {
                        d.setDictionary(data, off - PIECE, PIECE);
                    }
                    long t0 = cpu();
                    d.setInput(data, off, n);
                    int written = d.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                    ns[c][k] += cpu() - t0;
                    out[c][k] += written;
                    d.end();
                }
            }
        }
        System.out.println("| bits per byte | MB in | MB out at level 1 / 2 / 3 / 4 / 5 / 6 | CPU s at level 1 / 2 / 3 / 4 / 5 / 6 |");
        System.out.println("|---|--:|---|---|");
        for (int c = 0; c < bounds.length; c++) {
            if (in[c] == 0) {
                continue;
            }
            var mb = new StringBuilder();
            var s = new StringBuilder();
            for (int k = 0; k < levels.length; k++) {
                mb.append(k == 0 ? "" : " / ").append(String.format("%.2f", out[c][k] / 1e6));
                s.append(k == 0 ? "" : " / ").append(String.format("%.2f", ns[c][k] / 1e9));
            }
            String range = (c == 0 ? "< " : String.format("%.2f-", bounds[c - 1])) + (c == bounds.length - 1 ? "8" : String.format("%.2f", bounds[c]));
            System.out.printf("| %s | %.1f | %s | %s |%n", range, in[c] / 1e6, mb, s);
        }
    }

    /** A ladder: "T1:L1,T2:L2,...,DEFAULT": a piece of entropy at least Ti gets level Li (the first that applies). */
    record Ladder(String name, double[] at, int[] level, int otherwise) {
        static Ladder parse(String spec) {
            var nv = spec.split("=");
            var parts = nv[1].split(",");
            int n = parts.length - 1;
            var at = new double[n];
            var level = new int[n];
            for (int i = 0; i < n; i++) {
                var p = parts[i].split(":");
                at[i] = Double.parseDouble(p[0]);
                level[i] = Integer.parseInt(p[1]);
            }
            return new Ladder(nv[0], at, level, Integer.parseInt(parts[n]));
        }

        int levelOf(double bits) {
            for (int i = 0; i < at.length; i++) {
                if (bits >= at[i]) {
                    return level[i];
                }
            }
            return otherwise;
        }
    }

    static long deflate(byte[] data, Ladder ladder) {
        long total = 0;
        var out = new byte[BLOCK * 2];
        for (int off = 0; off < data.length; off += BLOCK) {
            int len = Math.min(BLOCK, data.length - off);
            int current = ladder.levelOf(bits(data, off, Math.min(PIECE, len)));
            var d = new Deflater(current, true);
            if (off > 0) {
                d.setDictionary(data, off - PIECE, PIECE);
            }
            int written = 0;
            for (int p = off; p < off + len; p += PIECE) {
                int n = Math.min(PIECE, off + len - p);
                int level = n < 4096 ? current : ladder.levelOf(bits(data, p, n));
                if (level != current) {
                    written += d.deflate(out, written, out.length - written, Deflater.SYNC_FLUSH);
                    d.setLevel(level);
                    current = level;
                }
                d.setInput(data, p, n);
                while (!d.needsInput()) {
                    written += d.deflate(out, written, out.length - written, Deflater.NO_FLUSH);
                }
            }
            written += d.deflate(out, written, out.length - written, Deflater.SYNC_FLUSH);
            d.end();
            total += Math.min(written, len + 5L * (len / 16_384 + 2));
        }
        return total;
    }

    public static void main(String[] args) throws IOException {
        var layers = layers(Arrays.copyOfRange(args, 1, args.length));
        long in = layers.stream().mapToLong(l -> l.length).sum();
        System.out.printf("%d distinct layers, %.1f MB%n%n", layers.size(), in / 1e6);
        if (args[0].equals("classes")) {
            classes(layers);
            return;
        }
        var ladders = new ArrayList<Ladder>();
        for (var spec : System.getProperty("ladders",
                "level1=7.98:0,1;auto=7.98:0,7:1,6:2,4;store7.9=7.9:0,7:1,6:2,4;level4=7.98:0,7:1,4;level5=7.98:0,7:1,5;level6=7.98:0,6").split(";")) {
            ladders.add(Ladder.parse(spec));
        }
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (int round = 0; round < Integer.getInteger("rounds", 2); round++) {
            for (var ladder : ladders) {
                long t0 = cpu();
                long b = 0;
                for (var l : layers) {
                    b += deflate(l, ladder);
                }
                seconds.computeIfAbsent(ladder.name(), k -> new ArrayList<>()).add((cpu() - t0) / 1e9);
                bytes.put(ladder.name(), b);
            }
        }
        System.out.println("| ladder | MB out | CPU s (one thread, per round) |");
        System.out.println("|---|--:|---|");
        for (var ladder : ladders) {
            System.out.printf("| %s | %.2f | %s |%n", ladder.name(), bytes.get(ladder.name()) / 1e6,
                    seconds.get(ladder.name()).stream().map(s -> String.format("%.2f", s)).toList());
        }
    }
}
