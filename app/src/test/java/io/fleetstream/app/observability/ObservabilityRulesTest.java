package io.fleetstream.app.observability;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Prometheus' own checker on {@code deploy/observability/alert-rules.yaml}: {@code promtool check rules} (the rule
 * file loads: valid PromQL, valid templates) and {@code promtool test rules} on {@code alert-rules.test.yaml} (the
 * alerts fire on the series that should make them fire, with the labels and annotations an operator gets, and stay
 * silent otherwise).
 *
 * <p>promtool comes with Debian's {@code prometheus} package. Without it these tests are skipped, with the reason;
 * with {@code CI=true} they fail instead.
 */
class ObservabilityRulesTest {

    static final Path OBSERVABILITY = repositoryRoot().resolve("deploy/observability");

    @Test
    void theRuleFileLoadsInPrometheus() {
        String out = promtool("check", "rules", OBSERVABILITY.resolve("alert-rules.yaml").toString());
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void theAlertsFireOnTheSeriesThatShouldFireThemAndOnlyThere() {
        String out = promtool("test", "rules", OBSERVABILITY.resolve("alert-rules.test.yaml").toString());
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void aFailingRuleTestFailsTheCheck() throws IOException {
        // the harness itself: a rule test expecting an alert that does not fire must make promtool fail
        Path dir = Files.createTempDirectory("promtool");
        try {
            Files.copy(OBSERVABILITY.resolve("alert-rules.yaml"), dir.resolve("alert-rules.yaml"));
            Files.writeString(dir.resolve("wrong.test.yaml"), """
                    rule_files: [alert-rules.yaml]
                    evaluation_interval: 1m
                    tests:
                      - interval: 1m
                        input_series:
                          - series: 'fleetstream_topology_streams_state{namespace="n", instance="a", state="RUNNING"}'
                            values: '1x30'
                        alert_rule_test:
                          - eval_time: 20m
                            alertname: FleetstreamStreamsNotRunning
                            exp_alerts:
                              - exp_labels: {severity: critical, namespace: n, instance: a}
                    """);
            Result result = run("test", "rules", dir.resolve("wrong.test.yaml").toString());
            assertThat(result.exit()).as(result.output()).isNotZero();
            assertThat(result.output()).contains("FleetstreamStreamsNotRunning");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- promtool

    private record Result(int exit, String output) {
    }

    private static String promtool(String... args) {
        Result result = run(args);
        assertThat(result.exit()).as("promtool %s:\n%s", String.join(" ", args), result.output()).isZero();
        return result.output();
    }

    private static Result run(String... args) {
        Path promtool = promtoolBinary().orElse(null);
        if (promtool == null) {
            String reason = "promtool is not on the PATH (apt-get install prometheus): cannot check the alert rules";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason + " (CI=true: the rules must be checked)");
            }
            abort(reason);
        }
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("promtool " + String.join(" ", args) + " did not finish in 60s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + promtool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** promtool on the PATH, or the one the system property {@code fleetstream.promtool} names (a wrong one: absent). */
    static Optional<Path> promtoolBinary() {
        String chosen = System.getProperty("fleetstream.promtool");
        if (chosen != null) {
            return Optional.of(Path.of(chosen)).filter(Files::isExecutable);
        }
        List<Path> candidates = new ArrayList<>();
        for (String dir : Optional.ofNullable(System.getenv("PATH")).orElse("").split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "promtool"));
            }
        }
        candidates.add(Path.of("/usr/bin/promtool"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/observability"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/observability above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
