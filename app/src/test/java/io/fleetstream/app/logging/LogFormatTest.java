package io.fleetstream.app.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetstream.app.bench.ProcessProbe;
import io.fleetstream.app.testing.RoleProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The console as {@code fleetstream --log-format ...} writes it, read from a real child JVM ({@link LogSample}), so
 * that Logback is configured exactly as at a role's start.
 */
class LogFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ROLE = List.of("ingest", "--bootstrap-servers", "kafka:9092",
            "--schema-registry-url", "http://registry:8081");

    @TempDir
    Path dir;

    @Test
    void jsonFormatWritesOneParsableObjectPerLineWithContextAsFields() throws Exception {
        List<String> args = new ArrayList<>(List.of("--log-format", "json", "--log-level", "debug"));
        args.addAll(ROLE);
        List<String> lines = run(args, Map.of());

        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            try {
                JsonNode event = JSON.readTree(line);
                assertThat(event.isObject()).as(line).isTrue();
                events.add(event);
            } catch (IOException e) {
                fail("not a JSON line: " + line, e);
            }
        }
        for (JsonNode event : events) {
            assertThat(event.path("@timestamp").asText()).as(event.toString()).isNotEmpty();
            assertThat(event.path("level").asText()).as(event.toString()).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            assertThat(event.path("logger").asText()).as(event.toString()).isNotEmpty();
            assertThat(event.path("thread").asText()).as(event.toString()).isNotEmpty();
            assertThat(event.has("message")).as(event.toString()).isTrue();
            assertThat(event.has("fleetstream.log.format")).as("how logging was configured is no field").isFalse();
        }

        JsonNode warning = only(events, "dead-lettered a record");
        assertThat(warning.path("level").asText()).isEqualTo("WARN");
        assertThat(warning.path("logger").asText()).isEqualTo(LogSample.OWN_LOGGER);
        assertThat(warning.path("topic").asText()).isEqualTo("emnify.events.raw");
        assertThat(warning.path("partition").asInt()).isEqualTo(2);
        assertThat(warning.path("endpoint_id").asText()).isEqualTo("4711");

        JsonNode error = only(events, "it broke");
        assertThat(error.path("stack_trace").asText())
                .contains("IllegalStateException: outer failure", "Caused by: java.lang.RuntimeException: root cause",
                        "at io.fleetstream.app.logging.LogSample.main");
        assertThat(only(events, "first line\nsecond line of one message").path("level").asText()).isEqualTo("INFO");
        assertThat(only(events, "a debug line").path("level").asText()).isEqualTo("DEBUG");
        // the roles show the libraries' warnings, not their INFO chatter
        assertThat(only(events, "kafka internal warning").path("logger").asText()).isEqualTo(LogSample.KAFKA_LOGGER);
        assertThat(events).noneMatch(e -> e.path("message").asText().equals("kafka internal info"));

        JsonNode request = events.stream().filter(e -> e.path("logger").asText().equals("io.fleetstream.http.HttpEdge"))
                .findFirst().orElseThrow(() -> new AssertionError("no request line in " + lines));
        assertThat(request.path("level").asText()).isEqualTo("DEBUG");
        assertThat(request.path("method").asText()).isEqualTo("GET");
        assertThat(request.path("path").asText()).isEqualTo("/v1/things/42");
        assertThat(request.path("route").asText()).isEqualTo("/v1/things/{id}");
        assertThat(request.path("status").asInt()).isEqualTo(200);
        assertThat(request.path("duration_ms").isNumber()).as(request.toString()).isTrue();
        assertThat(request.path("remote_address").asText()).isEqualTo("127.0.0.1");
        assertThat(String.join("\n", lines)).doesNotContain("s3cret");
    }

    @Test
    void theEnvironmentChoosesJsonAndTheDefaultLevelHidesDebug() throws Exception {
        List<String> lines = run(ROLE, Map.of("FLEETSTREAM_LOG_FORMAT", "json"));

        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(JSON.readTree(line).path("level").asText()).isNotEmpty());
        assertThat(lines).anyMatch(line -> line.contains("\"dead-lettered a record\""))
                .noneMatch(line -> line.contains("a debug line"))
                .noneMatch(line -> line.contains("io.fleetstream.http.HttpEdge"));
    }

    @Test
    void textIsTheDefaultAndKeepsAStackTraceReadable() throws Exception {
        List<String> lines = run(ROLE, Map.of());

        assertThat(lines).anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[main] io\\.fleetstream\\.sample - dead-lettered a record"));
        assertThat(lines).noneMatch(line -> line.startsWith("{"));
        assertThat(lines).anyMatch(line -> line.startsWith("\tat io.fleetstream.app.logging.LogSample.main"));
    }

    @Test
    void localKeepsTheConsoleForFleetstreamAndWritesTheLibrariesToItsDataDirectory() throws Exception {
        Path dataDir = dir.resolve("data");
        List<String> console = run(List.of("local", "--data-dir", dataDir.toString()), Map.of());

        assertThat(console).anyMatch(line -> line.endsWith("io.fleetstream.sample - plain line"))
                .anyMatch(line -> line.endsWith("io.fleetstream.sample - dead-lettered a record"))
                // an ERROR from anything shows
                .anyMatch(line -> line.contains("kafka internal error"))
                .noneMatch(line -> line.contains("kafka internal warning"))
                .noneMatch(line -> line.contains("kafka internal info"));
        String file = Files.readString(LogConfiguration.localFile(dataDir), StandardCharsets.UTF_8);
        assertThat(file).contains("kafka internal info", "kafka internal warning", "kafka internal error",
                "io.fleetstream.sample - plain line");
    }

    @Test
    void localWritesJsonToTheConsoleWhenAsked() throws Exception {
        Path dataDir = dir.resolve("data");
        List<String> console = run(List.of("local", "--log-format", "JSON", "--data-dir", dataDir.toString()), Map.of());

        assertThat(console).isNotEmpty().allSatisfy(line -> assertThat(JSON.readTree(line).isObject()).isTrue());
        assertThat(console).anyMatch(line -> line.contains("\"topic\":\"emnify.events.raw\""))
                .noneMatch(line -> line.contains("kafka internal warning"));
        assertThat(Files.readString(LogConfiguration.localFile(dataDir), StandardCharsets.UTF_8))
                .contains("kafka internal warning");
    }

    @Test
    void aLogbackFileNamedOnTheCommandLineIsKept() throws Exception {
        Path config = dir.resolve("own-logback.xml");
        Files.writeString(config, """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>OWN %level %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="out"/></root>
                </configuration>
                """);
        List<String> args = new ArrayList<>(List.of("--log-format", "json"));
        args.addAll(ROLE);
        List<String> lines = run(List.of("-Dlogback.configurationFile=" + config), args, Map.of());

        assertThat(lines).contains("OWN WARN dead-lettered a record", "OWN INFO kafka internal info");
    }

    private static JsonNode only(List<JsonNode> events, String message) {
        List<JsonNode> matching = events.stream().filter(e -> e.path("message").asText().equals(message)).toList();
        assertThat(matching).as("lines with the message '%s' in %s", message, events).hasSize(1);
        return matching.get(0);
    }

    /** {@link LogSample}'s console (stdout and stderr) with these arguments. */
    private List<String> run(List<String> args, Map<String, String> environment) throws Exception {
        return run(List.of(), args, environment);
    }

    private List<String> run(List<String> jvmOptions, List<String> args, Map<String, String> environment) throws Exception {
        Path output = Files.createTempFile(dir, "console", ".log");
        List<String> command = new ArrayList<>(List.of(ProcessProbe.javaBinary().toString(), "-Xmx256m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", RoleProcess.classPath(), LogSample.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("FLEETSTREAM_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the sample did not finish: " + Files.readString(output));
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        assertThat(text).as("the sample ran to its end").contains("done");
        return text.lines().toList();
    }
}
