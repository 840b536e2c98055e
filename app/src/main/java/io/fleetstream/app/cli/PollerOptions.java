package io.fleetstream.app.cli;

import io.fleetstream.ingest.poller.ApplicationToken;
import io.fleetstream.ingest.poller.BackfillStart;
import io.fleetstream.ingest.poller.PollerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The emnify REST API poller: pulls events into the raw topic, beside or instead of the webhook. */
public final class PollerOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--poll", defaultValue = "false", fallbackValue = "true", arity = "0..1",
            description = "also pull events from emnify's REST API (needs --emnify-token) (default: ${DEFAULT-VALUE})")
    public boolean poll;

    @Option(names = "--emnify-token", paramLabel = "TOKEN",
            description = "emnify application token for the REST API; never logged. Prefer the environment variable"
                    + " FLEETSTREAM_EMNIFY_TOKEN: a flag shows in the process list")
    public String token;

    @Option(names = "--emnify-url", defaultValue = PollerConfig.DEFAULT_BASE_URL,
            description = "emnify's API (default: ${DEFAULT-VALUE})")
    public URI url;

    @Option(names = "--poll-interval", defaultValue = "30s", converter = DurationConverter.class,
            description = "how often a caught-up poller asks for new events (default: ${DEFAULT-VALUE})")
    public Duration pollInterval;

    @Option(names = "--page-size", defaultValue = "100",
            description = "events per page (per_page, 1-1000; emnify may cap it) (default: ${DEFAULT-VALUE})")
    public int pageSize;

    @Option(names = "--overlap", defaultValue = "2m", converter = DurationConverter.class,
            description = "how far each window reaches back before the last one's end, for events emnify lists late"
                    + " (default: ${DEFAULT-VALUE})")
    public Duration overlap;

    @Option(names = "--poll-window", defaultValue = "1h", converter = DurationConverter.class,
            description = "longest time window per query; backfills and catch-ups proceed in windows this long"
                    + " (default: ${DEFAULT-VALUE})")
    public Duration window;

    @Option(names = "--rate-limit", defaultValue = "5",
            description = "most requests per second to emnify, at most 10 (default: ${DEFAULT-VALUE})")
    public double rateLimit;

    @Option(names = "--backfill-since", paramLabel = "DURATION|TIMESTAMP",
            description = "without a checkpoint, start this far back (e.g. 7d, at most 30d) or at this time"
                    + " (e.g. 2024-05-01T00:00:00Z or 2024-05-01), then continue live; ignored once a checkpoint exists")
    public String backfillSince;

    @Option(names = "--poller-id",
            description = "identity of this poller: replicas with the same id elect one active poller and share its"
                    + " checkpoint; e.g. the organisation id (default: derived from the token, never revealing it)")
    public String pollerId;

    /**
     * The poller's configuration when {@code enabled}, checked now so a wrong setting fails at start-up with a
     * message naming the option.
     *
     * @throws CommandLine.ParameterException when the token is missing or a setting is out of range
     */
    public Optional<PollerConfig> config(boolean enabled, Clock clock) {
        if (!enabled) {
            return Optional.empty();
        }
        if (token == null || token.isBlank()) {
            throw invalid("polling emnify's REST API needs an application token: set FLEETSTREAM_EMNIFY_TOKEN (or"
                    + " --emnify-token); create one in the emnify Portal");
        }
        try {
            ApplicationToken applicationToken = new ApplicationToken(token);
            PollerConfig config = PollerConfig.defaults(applicationToken)
                    .withBaseUrl(url)
                    .withPollerId(pollerId == null || pollerId.isBlank()
                            ? PollerConfig.defaultPollerId(applicationToken) : pollerId.strip())
                    .withPollInterval(pollInterval)
                    .withPageSize(pageSize)
                    .withOverlap(overlap)
                    .withWindowSize(window)
                    .withRequestsPerSecond(rateLimit);
            if (backfillSince != null && !backfillSince.isBlank()) {
                BackfillStart start = backfillStart(backfillSince.strip());
                start.requireWithinHistory(clock.instant());
                config = config.withBackfill(start);
            }
            return Optional.of(config);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /** {@code 7d}-style durations, ISO-8601 instants, or dates (midnight UTC). */
    static BackfillStart backfillStart(String value) {
        try {
            return new BackfillStart.At(Instant.parse(value));
        } catch (DateTimeParseException notAnInstant) {
            try {
                return new BackfillStart.At(LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant());
            } catch (DateTimeParseException notADate) {
                Duration duration;
                try {
                    duration = DurationConverter.parse(value);
                } catch (CommandLine.TypeConversionException e) {
                    throw new IllegalArgumentException("--backfill-since '" + value + "' is neither a duration (e.g. 7d)"
                            + " nor a timestamp (e.g. 2024-05-01T00:00:00Z)");
                }
                return new BackfillStart.Ago(duration);
            }
        }
    }

    private CommandLine.ParameterException invalid(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
