package io.fleetstream.ingest.poller;

import io.fleetstream.http.PrometheusScrape;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The poller's meters as Prometheus scrapes them: the names of the metrics contract, one tag set per name. */
class PollerMetricsTest {

    private static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");

    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @AfterEach
    void close() {
        meters.close();
    }

    @Test
    void exportsTheContractsNamesWithOneTagSetEach() {
        PollerMetrics metrics = new PollerMetrics(meters, Clock.fixed(NOW, ZoneOffset.UTC));

        PrometheusScrape before = PrometheusScrape.parse(meters.scrape());
        assertThat(before.value("fleetstream_ingest_poller_lag_seconds")).hasValueSatisfying(v -> assertThat(v).isNaN());
        assertThat(before.value("fleetstream_ingest_poller_last_success_seconds")).hasValueSatisfying(v -> assertThat(v).isNaN());
        assertThat(before.value("fleetstream_ingest_poller_active")).hasValue(0.0);

        metrics.request(PollerMetrics.Call.AUTHENTICATE, PollerMetrics.Outcome.OK);
        metrics.request(PollerMetrics.Call.EVENTS, PollerMetrics.Outcome.OK);
        metrics.request(PollerMetrics.Call.EVENTS, PollerMetrics.Outcome.RATE_LIMITED);
        metrics.request(PollerMetrics.Call.EVENTS, PollerMetrics.Outcome.RATE_LIMITED);
        metrics.events(7, 2, 1);
        metrics.active(true, NOW.minusSeconds(600));
        metrics.windowCompleted(NOW.minusSeconds(90));

        PrometheusScrape scrape = PrometheusScrape.parse(meters.scrape());
        String requests = "fleetstream_ingest_poller_requests_total";
        assertThat(scrape.value(requests, "call", "authenticate", "outcome", "ok")).hasValue(1.0);
        assertThat(scrape.value(requests, "call", "events", "outcome", "ok")).hasValue(1.0);
        assertThat(scrape.value(requests, "call", "events", "outcome", "rate_limited")).hasValue(2.0);
        assertThat(scrape.value(requests, "call", "events", "outcome", "network_error")).hasValue(0.0);
        assertThat(scrape.samples(requests)).hasSize(2 * 6)
                .allSatisfy(sample -> assertThat(sample.labels().keySet()).isEqualTo(Set.of("call", "outcome")));
        assertThat(scrape.value("fleetstream_ingest_poller_events_pulled_total")).hasValue(7.0);
        assertThat(scrape.value("fleetstream_ingest_poller_events_duplicate_total")).hasValue(2.0);
        assertThat(scrape.value("fleetstream_ingest_poller_events_dead_lettered_total")).hasValue(1.0);
        assertThat(scrape.value("fleetstream_ingest_poller_lag_seconds")).hasValue(90.0);
        assertThat(scrape.value("fleetstream_ingest_poller_last_success_seconds")).hasValue((double) NOW.getEpochSecond());
        assertThat(scrape.value("fleetstream_ingest_poller_active")).hasValue(1.0);
        assertThat(scrape.names()).allMatch(name -> name.startsWith("fleetstream_ingest_poller_"))
                .hasSize(7);
        assertThat(scrape.mixedLabelKeys()).isEmpty();

        metrics.active(false, null);
        PrometheusScrape passive = PrometheusScrape.parse(meters.scrape());
        assertThat(passive.value("fleetstream_ingest_poller_active")).hasValue(0.0);
        assertThat(passive.value("fleetstream_ingest_poller_lag_seconds")).hasValueSatisfying(v -> assertThat(v).isNaN());

        metrics.close();
        assertThat(PrometheusScrape.parse(meters.scrape()).names()).isEmpty();
    }
}
