package io.fleetstream.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a running JVM child process holds, read from outside it: heap in use after a full collection ({@code jcmd}),
 * resident set size, threads and open files ({@code /proc}). Linux only for {@code /proc}; every reading is empty
 * where it cannot be taken.
 */
public final class ProcessProbe {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final long pid;

    public ProcessProbe(long pid) {
        this.pid = pid;
    }

    /** The {@code java} launcher of this JVM, to start a child on the same runtime. */
    public static Path javaBinary() {
        return ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /** Heap in use after a full collection, as {@code jcmd GC.heap_info} reports it; empty without {@code jcmd}. */
    public Optional<Long> heapUsedAfterFullGc() throws IOException, InterruptedException {
        Path jcmd = javaBinary().resolveSibling("jcmd");
        if (!Files.isExecutable(jcmd)) {
            return Optional.empty();
        }
        String id = Long.toString(pid);
        run(jcmd.toString(), id, "GC.run");
        Matcher m = HEAP_USED.matcher(run(jcmd.toString(), id, "GC.heap_info"));
        return m.find() ? Optional.of(Long.parseLong(m.group(1)) * 1024) : Optional.empty();
    }

    /** VmRSS of the process, in bytes. */
    public Optional<Long> residentSetSize() throws IOException {
        return status("VmRSS:").map(kib -> kib * 1024);
    }

    /** Threads of the process (every JVM thread, Kafka's, RocksDB's and Jetty's alike). */
    public Optional<Long> threads() throws IOException {
        return status("Threads:");
    }

    /**
     * The process's open file descriptors by kind: {@code socket}, {@code pipe}, {@code anon_inode}, {@code sst}
     * (RocksDB table files, as many as the stores have), {@code deleted} (files removed from disk but still held
     * open: a leak when it grows) and {@code file} (everything else). Empty where there is no {@code /proc}.
     */
    public Optional<TreeMap<String, Integer>> openFiles() throws IOException {
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        if (!Files.isDirectory(fds)) {
            return Optional.empty();
        }
        TreeMap<String, Integer> kinds = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (NoSuchFileException closedMeanwhile) {
                    continue;
                }
                kinds.merge(kind(target), 1, Integer::sum);
            }
        }
        return Optional.of(kinds);
    }

    static String kind(String target) {
        if (target.endsWith(" (deleted)")) {
            return "deleted";
        }
        if (target.startsWith("socket:")) {
            return "socket";
        }
        if (target.startsWith("pipe:")) {
            return "pipe";
        }
        if (target.startsWith("anon_inode:")) {
            return "anon_inode";
        }
        return target.endsWith(".sst") ? "sst" : "file";
    }

    private Optional<Long> status(String field) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.isReadable(status)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(status);
        for (String line : lines) {
            if (line.startsWith(field)) {
                return Optional.of(Long.parseLong(line.replaceAll("\\D", "")));
            }
        }
        return Optional.empty();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
