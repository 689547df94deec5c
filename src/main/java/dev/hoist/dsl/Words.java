package dev.hoist.dsl;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The words of the language, per place they can be written, read off the classes that implement
 * them: what {@code hoist check} accepts and what "did you mean" suggests.
 */
final class Words {

    static final Set<String> SCRIPT = of(HoistScript.class);
    static final Set<String> REGISTRY = of(RegistrySpec.class);
    static final Set<String> FILTER = of(FilterSpec.class);
    static final Set<String> PLAN = of(PlanSpec.class);
    static final Set<String> BUILD = of(BuildSpec.class);

    /** Every word, for suggestions anywhere. */
    static final Set<String> ALL = union(SCRIPT, REGISTRY, FILTER, PLAN, BUILD);

    /** The block words whose closure is written in another vocabulary. */
    static final Map<String, Set<String>> BLOCKS = Map.of("registry", REGISTRY, "filter", FILTER, "plan", PLAN,
            "select", FILTER, "build", BUILD, "push", PLAN, "dryRun", PLAN, "images", PLAN, "exclude", FILTER);

    private Words() {
    }

    private static Set<String> of(Class<?> type) {
        var out = new TreeSet<String>();
        for (Method m : type.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || m.getName().equals("toString")
                    || m.getName().equals("run") || m.getName().equals("invokeMethod")) {
                continue;
            }
            var name = m.getName();
            if (name.startsWith("get") && name.length() > 3 && m.getParameterCount() == 0) {
                name = Character.toLowerCase(name.charAt(3)) + name.substring(4);
            }
            out.add(name);
        }
        return Set.copyOf(out);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        var out = new TreeSet<String>();
        for (var s : sets) {
            out.addAll(s);
        }
        return Set.copyOf(out);
    }

    /** The word closest to a misspelling, when one is close enough to be meant. */
    static String closest(String word, java.util.Collection<String> candidates) {
        if (word == null || word.isEmpty()) {
            return null;
        }
        int limit = Math.max(1, Math.min(3, word.length() / 3));
        return candidates.stream()
                .filter(c -> !c.equals(word))
                .map(c -> Map.entry(c, distance(word.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT))))
                .filter(e -> e.getValue() <= limit)
                .min(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey)
                .orElse(null);
    }

    /** Edit distance where swapping two neighbours counts as one edit (repositroy is one from repository). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    static List<String> sorted(Set<String> words) {
        return words.stream().sorted().toList();
    }
}
