package io.fleetstream.app.testing;

import io.fleetstream.app.bench.ProcessProbe;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fleetstream role ({@code topology}, {@code ingest}, {@code local}, ...) as an operating-system process of its own,
 * started as production starts it ({@code java -cp ... io.fleetstream.app.Main <role> ...}) on this JVM's runtime and
 * class path, its output in a log file of its own (replaced if it exists). {@link #kill()} is a real SIGKILL: no shutdown hook, no flush, no
 * commit; {@link #stop()} a SIGTERM, as Kubernetes stops a pod.
 */
public final class RoleProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private RoleProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * @param jvmOptions e.g. {@code -Xmx384m}
     * @param role       the command, then its options
     */
    public static RoleProcess start(List<String> jvmOptions, List<String> role, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessProbe.javaBinary().toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath(), "io.fleetstream.app.Main"));
        command.addAll(role);
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // the test's own FLEETSTREAM_* variables would override the options given here
        builder.environment().keySet().removeIf(k -> k.startsWith("FLEETSTREAM_"));
        return new RoleProcess(builder.start(), log);
    }

    /**
     * The test's class path. Surefire may start the test JVM from a manifest-only jar; it then keeps the real class
     * path in {@code surefire.test.class.path} (the manifest jar itself would serve too, as long as the test JVM lives).
     */
    public static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        String path = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isBlank() && !Files.exists(Path.of(entry))) {
                throw new IllegalStateException("class path entry " + entry + " does not exist; a role could not start from it");
            }
        }
        return path.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** What the process has written so far. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The last {@code lines} lines of its output, for a failure message. */
    public String tail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Fails with the log's tail when the process has exited. */
    public void requireAlive(String what) {
        if (!process.isAlive()) {
            throw new IllegalStateException(what + " exited with " + process.exitValue() + "; its log (" + log + ") ends:\n" + tail(40));
        }
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux); waits until the process is gone, returns its exit code. */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + process.pid() + " did not die from SIGKILL");
        }
        return process.exitValue();
    }

    /** SIGTERM, then SIGKILL if it has not stopped within {@code seconds}; returns the exit code. */
    public int stop(int seconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            return kill();
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
