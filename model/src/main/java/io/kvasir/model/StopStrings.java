package io.kvasir.model;

import java.util.List;

/**
 * Watches streamed text for stop strings. Text that could still turn into a stop string is held
 * back, so a stop string is never printed, not even in part.
 */
final class StopStrings {
    private final List<String> stops;
    private final int holdBack;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopStrings(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.holdBack = this.stops.stream().mapToInt(String::length).max().orElse(1) - 1;
    }

    /** Adds a piece of text; returns what may be shown now. */
    String accept(String piece) {
        if (stopped) {
            return "";
        }
        pending.append(piece);
        int cut = -1;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            stopped = true;
            String out = pending.substring(0, cut);
            pending.setLength(0);
            return out;
        }
        int safe = Math.max(0, pending.length() - holdBack);
        // never split a surrogate pair between what is shown and what is held
        if (safe > 0 && safe < pending.length() && Character.isHighSurrogate(pending.charAt(safe - 1))) {
            safe--;
        }
        String out = pending.substring(0, safe);
        pending.delete(0, safe);
        return out;
    }

    boolean stopped() {
        return stopped;
    }

    /** The held-back tail, once generation ends without a stop string. */
    String finish() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }
}
