package io.fleetstream.app.bench;

import io.fleetstream.schemas.json.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Prints benchmark figures as aligned lines; a benchmark prints, it does not assert. */
final class BenchReport {

    private final PrintStream out;
    private final Path outputDir;
    /** Every figure printed since the last {@link #section}, as {@link #json} writes them. */
    private Map<String, Object> printed = new LinkedHashMap<>();

    /** Prints to {@code out}; {@link #json} writes {@code <outputDir>/<name>.json}. */
    BenchReport(PrintStream out, Path outputDir) {
        this.out = out;
        this.outputDir = outputDir;
    }

    /** Writes the figures printed in this section, with the machine they come from, as {@code <name>.json}. */
    void json(String name) {
        json(name, Map.of());
    }

    /**
     * Writes the figures printed in this section and {@code figures} (the benchmark's own summary), with the machine
     * they come from, as {@code <name>.json}.
     */
    void json(String name, Map<String, Object> figures) {
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("benchmark", name);
        document.put("measured_at", Instant.now().toString());
        document.put("machine", Map.of("cores", rt.availableProcessors(), "max_heap_bytes", rt.maxMemory(),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        document.put("figures", figures);
        document.put("printed", printed);
        try {
            Files.createDirectories(outputDir);
            Path file = outputDir.resolve(name + ".json");
            Json.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), document);
            value("written", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the figures of " + name + " to " + outputDir, e);
        }
    }

    void section(String title) {
        out.println();
        out.println("== " + title);
        printed = new LinkedHashMap<>();
        printed.put("section", title);
    }

    void rate(String what, long count, long nanos) {
        double seconds = nanos / 1e9;
        Map<String, Object> figure = new LinkedHashMap<>();
        figure.put("count", count);
        figure.put("seconds", seconds);
        figure.put("per_second", seconds > 0 ? count / seconds : null);
        figure.put("micros_each", nanos / 1e3 / Math.max(1, count));
        printed.put(what, figure);
        out.printf(Locale.ROOT, "  %-44s %,12d in %8.2f s  %,12.0f /s  %8.2f µs each%n", what, count, seconds,
                count / seconds, nanos / 1e3 / Math.max(1, count));
    }

    void value(String what, String value) {
        printed.put(what, value);
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
