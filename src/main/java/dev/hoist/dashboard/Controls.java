package dev.hoist.dashboard;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import dev.hoist.engine.JobSnapshot;
import dev.hoist.engine.JobState;
import dev.hoist.engine.JobView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dashboard's keys and what they leave on screen (the rows shown, a filter, an open prompt). The
 * input thread changes it, the render thread reads a copy of it, so every access is synchronized and
 * a frame never sees half a change.
 */
final class Controls {

    /** What the main table lists; {@code f} goes round them in this order. */
    enum Rows {
        ACTIVE, FAILURES, ALL;

        Rows next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    enum Prompt { NONE, FILTER, LIMIT, CONFIRM_CANCEL, HELP, DETAIL }

    /**
     * A copy for one frame.
     *
     * @param detail the target of the failure whose whole error is shown, or null
     * @param message one line about the last action (a limit set, a bad rate typed), or null
     */
    record Ui(Rows rows, String filter, Prompt prompt, String input, int selected, String detail, String message,
              boolean readOnly) {
    }

    static final int MAX_CONCURRENCY = 64;

    private final JobView view;
    private final boolean readOnly;
    private Rows rows = Rows.ACTIVE;
    private String filter = "";
    private Prompt prompt = Prompt.NONE;
    private final StringBuilder input = new StringBuilder();
    private int selected;
    private String detail;
    private String message;
    private long messageAt;
    /** When each failure was first seen, so the newest can be listed first across snapshots. */
    private final Map<String, Long> failureSeen = new HashMap<>();
    private long seen;
    private List<JobSnapshot.ImageRow> failures = List.of();

    Controls(JobView view, boolean readOnly) {
        this.view = view;
        this.readOnly = readOnly;
    }

    /** A message stays this long, then the key line comes back. */
    static final long MESSAGE_NANOS = 3_000_000_000L;

    synchronized Ui ui() {
        var shown = message != null && System.nanoTime() - messageAt < MESSAGE_NANOS ? message : null;
        return new Ui(rows, filter, prompt, input.toString(), selected, detail, shown, readOnly);
    }

    private void say(String text) {
        message = text;
        messageAt = System.nanoTime();
    }

    /**
     * The failed images of a snapshot that pass the filter, newest first; the selection the arrows
     * move and Enter opens refers to this list.
     */
    synchronized List<JobSnapshot.ImageRow> failures(JobSnapshot snapshot) {
        var list = new ArrayList<JobSnapshot.ImageRow>();
        for (var image : snapshot.images()) {
            if (image.error() != null) {
                failureSeen.computeIfAbsent(key(image), k -> seen++);
                if (matches(image)) {
                    list.add(image);
                }
            }
        }
        list.sort(Comparator.comparing((JobSnapshot.ImageRow i) -> failureSeen.get(key(i))).reversed());
        failures = List.copyOf(list);
        selected = Math.max(0, Math.min(selected, failures.size() - 1));
        return failures;
    }

    private boolean matches(JobSnapshot.ImageRow image) {
        return matches(image.target() == null ? image.source() : image.target().toString(), filter);
    }

    /** The filter's rule: a part of the image name, any case. */
    static boolean matches(String name, String filter) {
        return filter.isEmpty() || name.toLowerCase(Locale.ROOT).contains(filter.toLowerCase(Locale.ROOT));
    }

    static String key(JobSnapshot.ImageRow image) {
        return image.source() + " -> " + image.target();
    }

    /**
     * Acts on one key.
     *
     * @param now the latest snapshot drawn, for what the key applies to (the concurrency + adds to, whether
     *            the job is paused, whether it has ended)
     * @return true when the user leaves the dashboard
     */
    synchronized boolean key(KeyStroke key, JobSnapshot now) {
        if (key.getKeyType() == KeyType.EOF) {
            return true;
        }
        try {
            return dispatch(key, now);
        } catch (RuntimeException e) {
            // A job reached over a socket refuses (read-only) or is gone: say so and stay.
            prompt = Prompt.NONE;
            say(e.getMessage() == null ? e.toString() : e.getMessage());
            return false;
        }
    }

    private boolean dispatch(KeyStroke key, JobSnapshot now) {
        boolean ctrlC = key.getKeyType() == KeyType.Character && key.isCtrlDown() && key.getCharacter() == 'c';
        if (ctrlC) {
            if (readOnly || ended(now)) {
                return true;
            }
            view.cancel();
            say("cancelling: transfers in flight stop at their next chunk");
            prompt = Prompt.NONE;
            return false;
        }
        if (ended(now) && prompt == Prompt.NONE) {
            return true;
        }
        switch (prompt) {
            case HELP, DETAIL -> {
                prompt = Prompt.NONE;
                detail = null;
                return false;
            }
            case CONFIRM_CANCEL -> {
                prompt = Prompt.NONE;
                if (key.getKeyType() == KeyType.Character && Character.toLowerCase(key.getCharacter()) == 'y') {
                    view.cancel();
                    say("cancelling: transfers in flight stop at their next chunk");
                } else {
                    say("not cancelled");
                }
                return false;
            }
            case FILTER, LIMIT -> {
                edit(key);
                return false;
            }
            case NONE -> {
                return plain(key, now);
            }
        }
        return false;
    }

    private boolean plain(KeyStroke key, JobSnapshot now) {
        switch (key.getKeyType()) {
            case ArrowUp -> selected = Math.max(0, selected - 1);
            case ArrowDown -> selected = Math.min(Math.max(0, failures.size() - 1), selected + 1);
            case Enter -> {
                if (!failures.isEmpty()) {
                    detail = key(failures.get(Math.min(selected, failures.size() - 1)));
                    prompt = Prompt.DETAIL;
                } else {
                    say("no failure to show");
                }
            }
            case Escape -> filter = "";
            case Character -> {
                return character(key.getCharacter(), now);
            }
            default -> {
            }
        }
        return false;
    }

    private boolean character(char c, JobSnapshot now) {
        switch (c) {
            case 'q' -> {
                return true;
            }
            case '?' -> prompt = Prompt.HELP;
            case 'f' -> {
                rows = rows.next();
                selected = 0;
            }
            case '/' -> {
                prompt = Prompt.FILTER;
                input.setLength(0);
                input.append(filter);
            }
            case 'p', '+', '=', '-', 'b', 'r', 'c' -> {
                if (readOnly) {
                    say("read-only: attached with --read-only");
                } else {
                    control(c, now);
                }
            }
            default -> {
            }
        }
        return false;
    }

    private void control(char c, JobSnapshot now) {
        switch (c) {
            case 'p' -> {
                if (now.state() == JobState.PAUSED) {
                    view.resume();
                    say("resumed");
                } else {
                    view.pause();
                    say("paused: no new transfer starts; those in flight finish their chunk");
                }
            }
            case '+', '=' -> {
                int n = Math.min(MAX_CONCURRENCY, now.concurrency() + 1);
                view.concurrency(n);
                say("workers: " + n);
            }
            case '-' -> {
                int n = Math.max(1, now.concurrency() - 1);
                view.concurrency(n);
                say("workers: " + n);
            }
            case 'b' -> {
                prompt = Prompt.LIMIT;
                input.setLength(0);
            }
            case 'r' -> {
                long failed = now.images().stream().filter(i -> i.error() != null).count();
                if (failed == 0) {
                    say("nothing failed: nothing to retry");
                } else {
                    view.retryFailed();
                    say("retrying " + failed + " failed image" + (failed == 1 ? "" : "s"));
                }
            }
            case 'c' -> prompt = Prompt.CONFIRM_CANCEL;
            default -> {
            }
        }
    }

    private void edit(KeyStroke key) {
        switch (key.getKeyType()) {
            case Character -> input.append(key.getCharacter());
            case Backspace -> {
                if (!input.isEmpty()) {
                    input.setLength(input.length() - 1);
                }
            }
            case Escape -> {
                if (prompt == Prompt.FILTER) {
                    filter = "";
                }
                prompt = Prompt.NONE;
                return;
            }
            case Enter -> {
                if (prompt == Prompt.LIMIT) {
                    limit(input.toString());
                }
                prompt = Prompt.NONE;
                return;
            }
            default -> {
                return;
            }
        }
        if (prompt == Prompt.FILTER) {
            // The rows follow the filter as it is typed, as k9s and htop do.
            filter = input.toString().trim();
            selected = 0;
        }
    }

    private void limit(String text) {
        if (text.isBlank()) {
            say("limit unchanged");
            return;
        }
        try {
            long rate = Units.parseRate(text);
            view.rateLimit(rate);
            say(rate == 0 ? "no bandwidth limit" : "bandwidth limit: " + Units.rate(rate));
        } catch (IllegalArgumentException e) {
            say(e.getMessage());
        }
    }

    static boolean ended(JobSnapshot s) {
        return s.state() == JobState.DONE || s.state() == JobState.FAILED || s.state() == JobState.CANCELLED;
    }
}
