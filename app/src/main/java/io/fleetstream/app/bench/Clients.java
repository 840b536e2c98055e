package io.fleetstream.app.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Concurrent clients sending requests back to back, each request timed: the load of the ingest and query benchmarks. */
final class Clients {

    interface Request {
        /** Sends request number {@code i}; returns how many items (events, lookups) it carried. */
        int send(int i) throws Exception;
    }

    /** What the clients sent: items in all, the wall time it took, and each request's latency. */
    record Result(long items, long nanos, Latencies latencies) {
        double rate() {
            return items / (nanos / 1e9);
        }
    }

    private Clients() {
    }

    /** {@code clients} threads take request numbers 0, 1, ... in turn until {@code requests} are sent. */
    static Result send(int clients, int requests, Request request) throws Exception {
        return run(clients, requests, Long.MAX_VALUE, request);
    }

    /** {@code clients} threads send requests numbered 0, 1, ... until {@code duration} has passed. */
    static Result sendFor(int clients, Duration duration, Request request) throws Exception {
        return run(clients, Integer.MAX_VALUE, System.nanoTime() + duration.toNanos(), request);
    }

    private static Result run(int clients, int requests, long deadline, Request request) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong items = new AtomicLong();
        ConcurrentLinkedQueue<long[]> perClient = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    long[] latencies = new long[1024];
                    int n = 0;
                    for (int i = next.getAndIncrement(); i < requests && System.nanoTime() < deadline; i = next.getAndIncrement()) {
                        long sent = System.nanoTime();
                        items.addAndGet(request.send(i));
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = System.nanoTime() - sent;
                    }
                    perClient.add(Arrays.copyOf(latencies, n));
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            long nanos = System.nanoTime() - start;
            return new Result(items.get(), nanos, Latencies.of(perClient.stream().flatMapToLong(Arrays::stream).toArray()));
        } finally {
            pool.shutdownNow();
        }
    }
}
