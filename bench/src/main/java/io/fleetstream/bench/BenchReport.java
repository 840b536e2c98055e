package io.fleetstream.bench;

import java.io.PrintStream;
import java.util.Locale;

/** Prints benchmark figures as aligned lines; a benchmark prints, it does not assert. */
final class BenchReport {

    private final PrintStream out;

    BenchReport(PrintStream out) {
        this.out = out;
    }

    void section(String title) {
        out.println();
        out.println("== " + title);
    }

    void rate(String what, long count, long nanos) {
        double seconds = nanos / 1e9;
        out.printf(Locale.ROOT, "  %-44s %,12d in %8.2f s  %,12.0f /s  %8.2f µs each%n", what, count, seconds,
                count / seconds, nanos / 1e3 / Math.max(1, count));
    }

    void value(String what, String value) {
        out.printf(Locale.ROOT, "  %-44s %s%n", what, value);
    }

    void heap(String when) {
        value("heap used after GC, " + when, String.format(Locale.ROOT, "%,d MB", usedHeapAfterGc() / (1024 * 1024)));
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
