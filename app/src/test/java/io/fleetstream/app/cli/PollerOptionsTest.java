package io.fleetstream.app.cli;

import io.fleetstream.app.ingest.IngestService;
import io.fleetstream.ingest.poller.BackfillStart;
import io.fleetstream.ingest.poller.PollerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code fleetstream ingest} and {@code local} turn flags and environment into the poller's configuration. */
class PollerOptionsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-10T12:00:00Z"), ZoneOffset.UTC);
    private static final String[] KAFKA = {"--bootstrap-servers", "kafka:9092", "--schema-registry-url", "http://registry:8081"};

    private static IngestService.Settings ingest(Map<String, String> environment, String... args) {
        IngestCommand command = new IngestCommand();
        new CommandLine(command).setDefaultValueProvider(new EnvironmentDefaults(environment)).parseArgs(concat(KAFKA, args));
        return command.settings(CLOCK);
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = new String[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    @Test
    void pollAddsThePollerBesideTheWebhook() {
        IngestService.Settings settings = ingest(Map.of(), "--poll", "--emnify-token", "tok-SECRET-1",
                "--emnify-url", "http://fake-emnify:8080", "--poll-interval", "10s", "--page-size", "250",
                "--overlap", "5m", "--poll-window", "30m", "--rate-limit", "2.5", "--backfill-since", "7d",
                "--poller-id", "org-1825");

        assertThat(settings.webhookEnabled()).isTrue();
        PollerConfig poller = settings.poller().orElseThrow();
        assertThat(poller.baseUrl()).isEqualTo(URI.create("http://fake-emnify:8080"));
        assertThat(poller.pollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(poller.pageSize()).isEqualTo(250);
        assertThat(poller.overlap()).isEqualTo(Duration.ofMinutes(5));
        assertThat(poller.windowSize()).isEqualTo(Duration.ofMinutes(30));
        assertThat(poller.requestsPerSecond()).isEqualTo(2.5);
        assertThat(poller.backfill()).contains(new BackfillStart.Ago(Duration.ofDays(7)));
        assertThat(poller.pollerId()).isEqualTo("org-1825");
        assertThat(settings.toString()).doesNotContain("tok-SECRET-1");
    }

    @Test
    void theEnvironmentConfiguresItAndPollOnlyDropsTheWebhook() {
        IngestService.Settings settings = ingest(Map.of("FLEETSTREAM_EMNIFY_TOKEN", "tok-SECRET-2",
                "FLEETSTREAM_POLL_ONLY", "true", "FLEETSTREAM_BACKFILL_SINCE", "2025-03-01"));

        assertThat(settings.webhookEnabled()).isFalse();
        PollerConfig poller = settings.poller().orElseThrow();
        assertThat(poller.baseUrl()).isEqualTo(URI.create("https://cdn.emnify.net"));
        assertThat(poller.requestsPerSecond()).isEqualTo(5);
        assertThat(poller.backfill()).contains(new BackfillStart.At(Instant.parse("2025-03-01T00:00:00Z")));
        assertThat(poller.pollerId()).startsWith("token-").doesNotContain("SECRET");
    }

    @Test
    void withoutPollTheWebhookRunsAloneEvenWhenATokenIsSet() {
        IngestService.Settings settings = ingest(Map.of("FLEETSTREAM_EMNIFY_TOKEN", "tok-SECRET-3"));

        assertThat(settings.poller()).isEmpty();
        assertThat(settings.webhookEnabled()).isTrue();
    }

    @Test
    void mistakesAreRefusedNamingTheOptionAndTheLimit() {
        assertThatThrownBy(() -> ingest(Map.of(), "--poll"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("needs an application token").hasMessageContaining("FLEETSTREAM_EMNIFY_TOKEN");
        assertThatThrownBy(() -> ingest(Map.of(), "--poll", "--emnify-token", "t", "--backfill-since", "40d"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("use at most 30d");
        assertThatThrownBy(() -> ingest(Map.of(), "--poll", "--emnify-token", "t", "--backfill-since", "2025-01-01T00:00:00Z"))
                .hasMessageContaining("more than 30 days ago");
        assertThatThrownBy(() -> ingest(Map.of(), "--poll", "--emnify-token", "t", "--backfill-since", "last week"))
                .hasMessageContaining("neither a duration (e.g. 7d) nor a timestamp");
        assertThatThrownBy(() -> ingest(Map.of(), "--poll", "--emnify-token", "t", "--rate-limit", "50"))
                .hasMessageContaining("at most 10 requests/s");
    }

    @Test
    void localPollsWhenATokenIsGiven() {
        LocalCommand local = new LocalCommand();
        new CommandLine(local).setDefaultValueProvider(new EnvironmentDefaults(Map.of("FLEETSTREAM_EMNIFY_TOKEN", "tok-4")))
                .parseArgs();
        LocalCommand without = new LocalCommand();
        new CommandLine(without).setDefaultValueProvider(new EnvironmentDefaults(Map.of())).parseArgs();

        assertThat(local.pollerConfig(CLOCK)).isPresent();
        assertThat(without.pollerConfig(CLOCK)).isEmpty();
    }
}
