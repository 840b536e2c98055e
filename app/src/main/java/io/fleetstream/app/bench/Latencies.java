package io.fleetstream.app.bench;

import java.util.Arrays;

/** Request latencies of one measurement, and their percentiles. */
record Latencies(long[] sortedNanos) {

    static Latencies of(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latencies(sorted);
    }

    /** The {@code p}th percentile (100: the maximum) in milliseconds, to two places; 0 without requests. */
    double millis(int p) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return Math.round(sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))] / 1e4) / 100.0;
    }

    String p50p99() {
        return String.format("%.2f / %.2f ms", millis(50), millis(99));
    }
}
