package io.kvasir.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar with elapsed time and ETA on stderr. On a terminal it redraws in place;
 * elsewhere (logs, CI) it prints a line at every tenth of the work, so logs stay short.
 */
final class ProgressBar {
    private static final int WIDTH = 24;
    private final PrintWriter err;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private int lastTenth = -1;

    ProgressBar(PrintWriter err) {
        this.err = err;
        this.terminal = System.console() != null && System.console().isTerminal();
    }

    void update(int done, int total, String what) {
        double f = total == 0 ? 1 : (double) done / total;
        double elapsed = (System.nanoTime() - start) / 1e9;
        String eta = done == 0 ? "--:--" : clock(elapsed / f - elapsed);
        int filled = (int) Math.round(f * WIDTH);
        String line = String.format(Locale.ROOT, "[%s%s] %d/%d %3.0f%%  %s elapsed, ETA %s  %s", "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, 100 * f, clock(elapsed), eta, what);
        if (terminal) {
            err.print("\r" + line + "\033[K" + (done == total ? "\n" : ""));
            err.flush();
        } else if ((int) (f * 10) != lastTenth) {
            lastTenth = (int) (f * 10);
            err.println(line);
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
