package io.fleetstream.app.local;

import io.fleetstream.app.logging.LogConfiguration;
import io.fleetstream.app.net.FreePort;
import io.fleetstream.app.testing.RoleProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code fleetstream local --simulate} as a user starts it, in a process of its own: the console shows fleetstream's
 * lines and its status line, the embedded broker's and the libraries' logs are in {@code <data-dir>/logs/local.log}.
 */
class LocalConsoleTest {

    /** A log line on the console: time, level, thread, logger. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (\\w+)\\s+\\[[^\\]]*] (\\S+) - (.*)$");
    private static final Pattern STATUS = Pattern.compile("status: in (\\S+) events/s, out (\\S+) category records, "
            + "devices (\\S+) online / (\\S+) offline, dlq (\\S+), lag (\\S+)");

    @TempDir
    Path dir;

    @Test
    void theConsoleShowsFleetstreamAndItsStatusLineAndTheFileTakesKafkasLogs() throws Exception {
        String host = "127.0.0.1";
        Path dataDir = dir.resolve("data");
        List<String> command = List.of("local", "--data-dir=" + dataDir, "--kafka-port=" + FreePort.on(host),
                "--registry-port=" + FreePort.on(host), "--ingest-port=" + FreePort.on(host),
                "--query-port=" + FreePort.on(host), "--simulate=20", "--speed=10", "--status-interval=1s");
        String console;
        try (RoleProcess local = RoleProcess.start(List.of("-Xmx512m"), command, dir.resolve("console.log"))) {
            // once traffic flows, a status line has every figure: events in above zero, category records out above
            // zero, devices known to the topology, the dead-letter count and the topology's lag (Kafka Streams'
            // consumer metrics are there from its first RUNNING)
            await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofMillis(500)).until(() -> {
                local.requireAlive("local");
                return statusLines(local.logText()).stream().anyMatch(LocalConsoleTest::complete);
            });
            local.stop(60);
            console = local.logText();
        }

        List<Matcher> status = statusLines(console);
        assertThat(status).as(console).hasSizeGreaterThanOrEqualTo(1);
        // the webhook's dead-letter counter exists from the start: a number, not "-"
        assertThat(status).as(console).anyMatch(line -> line.group(5).matches("\\d+"));
        for (Matcher line : status) {
            assertThat(line.group(1)).as(line.group()).matches("-|\\d+\\.\\d");
            for (int i = 2; i <= 6; i++) {
                assertThat(line.group(i)).as(line.group()).matches("-|\\d+");
            }
        }
        for (String line : console.lines().toList()) {
            Matcher log = LOG_LINE.matcher(line);
            if (log.matches()) {
                // %logger{36} abbreviates: io.fleetstream.app.kafka.EmbeddedKafka is i.f.app.kafka.EmbeddedKafka
                assertThat(log.group(2).matches("io?\\.f(leetstream)?\\..*") || log.group(1).equals("ERROR"))
                        .as("only fleetstream's lines and errors on the console: %s", line).isTrue();
            }
            assertThat(line).doesNotContain("org.apache.kafka", "OutOfOrderSequenceException", "RocksDB");
        }
        String file = Files.readString(LogConfiguration.localFile(dataDir), StandardCharsets.UTF_8);
        assertThat(file).contains(" INFO  [", " kafka.", " org.apache.kafka.streams.", " org.apache.kafka.clients.");
    }

    private static boolean complete(Matcher status) {
        for (int i = 1; i <= 6; i++) {
            if (status.group(i).equals("-")) {
                return false;
            }
        }
        return Double.parseDouble(status.group(1)) > 0 && Long.parseLong(status.group(2)) > 0
                && Long.parseLong(status.group(3)) + Long.parseLong(status.group(4)) > 0;
    }

    private static List<Matcher> statusLines(String console) {
        return console.lines().map(STATUS::matcher).filter(Matcher::find).toList();
    }
}
