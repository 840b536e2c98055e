package io.fleetstream.ingest.poller;

import io.fleetstream.ingest.testing.CapturedLogs;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.publish.KeyedRecord;
import io.fleetstream.schemas.json.Json;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The poller against a WireMock fake of emnify's API, with an in-memory lease and a sink standing in for Kafka. */
class EmnifyPollerTest {

    private static final String TOKEN = "app-token-SECRET-7f3c9a51";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final FakeEmnifyApi api = new FakeEmnifyApi(TOKEN);
    private final RecordingSink sink = new RecordingSink();
    private final InMemoryLease.Store store = new InMemoryLease.Store();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        api.close();
    }

    private PollerConfig config() {
        return PollerConfig.defaults(new ApplicationToken(TOKEN))
                .withBaseUrl(api.baseUrl())
                .withPollInterval(Duration.ofMillis(200))
                .withPageSize(7)
                .withOverlap(Duration.ofMinutes(2))
                .withWindowSize(Duration.ofHours(1))
                .withRequestsPerSecond(10)
                .withRequestTimeout(Duration.ofSeconds(5))
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    private EmnifyPoller start(PollerConfig config, InMemoryLease lease) {
        EmnifyPoller poller = EmnifyPoller.create(config, sink, lease, meters, Clock.systemUTC());
        toClose.add(0, poller);
        return poller.start();
    }

    private InMemoryLease lease() {
        return new InMemoryLease(store, true);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Set<Long> ids(List<ObjectNode> events) {
        return events.stream().map(e -> e.get("id").asLong()).collect(Collectors.toSet());
    }

    // ---- paging and windows

    @Test
    void backfillPagesThroughSeveralWindowsAndPublishesEveryEventExactlyOnce() {
        Instant now = now();
        List<ObjectNode> history = new ArrayList<>(FakeEmnifyApi.spread(1_000, 120, now.minus(Duration.ofHours(3)),
                now.minus(Duration.ofMinutes(1))));
        history.add(FakeEmnifyApi.event(5_000, now.minus(Duration.ofMinutes(90)), 0));
        api.add(history);

        start(config().withBackfill(new BackfillStart.Ago(Duration.ofHours(3).plusMinutes(10))), lease());

        await().atMost(PATIENCE).until(() -> sink.ids().size() >= history.size());
        int requestsWhenComplete = api.eventRequests().size();
        // a few more live polls: the overlap brings events back, they must not be published again
        await().atMost(PATIENCE).until(() -> api.eventRequests().size() >= requestsWhenComplete + 4);

        assertThat(sink.ids()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(history));
        assertThat(sink.keyed()).filteredOn(k -> k.record().getId() == 5_000).singleElement()
                .extracting(KeyedRecord::key).isEqualTo("org-1825");
        assertThat(sink.keyed()).filteredOn(k -> k.record().getId() == 1_000).singleElement()
                .extracting(KeyedRecord::key).isEqualTo("20000000");
        assertThat(sink.events()).allSatisfy(e -> assertThat(e.getIngest().getSource()).isEqualTo(IngestSource.API));

        List<FakeEmnifyApi.Served> requests = api.eventRequests();
        Set<String> windows = requests.stream().map(FakeEmnifyApi.Served::q).collect(Collectors.toSet());
        assertThat(windows).as("backfill windows of 1h over 3h10m, then live windows").hasSizeGreaterThanOrEqualTo(5);
        assertThat(requests).anySatisfy(r -> assertThat(r.page()).isGreaterThanOrEqualTo(3));
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.perPage()).isEqualTo(7);
            assertThat(r.page()).as("never asks past X-Total-Pages: %s", r).isLessThanOrEqualTo(lastPage(history, r.q(), 7));
        });
        Instant firstFrom = Instant.parse(requests.get(0).q().substring("from:".length(), requests.get(0).q().indexOf(',')));
        Instant backfillStart = now.minus(Duration.ofHours(3).plusMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        assertThat(firstFrom).as("the first window starts at the backfill start (when the poller started) minus the overlap")
                .isBetween(backfillStart.minus(Duration.ofMinutes(2)), backfillStart.minus(Duration.ofMinutes(2)).plusSeconds(10));

        assertThat(meters.get(PollerMetrics.EVENTS_DUPLICATE).counter().count())
                .as("events inside an overlap were fetched again and skipped").isPositive();
        assertThat(meters.get(PollerMetrics.EVENTS_PULLED).counter().count()).isEqualTo(history.size());
        // the poller goes on polling: a request the fake API has served may not be counted yet, never the reverse
        double counted = meters.get(PollerMetrics.REQUESTS).tags("call", "events", "outcome", "ok").counter().count();
        int served = api.eventRequests().size();
        assertThat((double) served).isBetween(counted, counted + 1);
        assertThat(counted).isGreaterThanOrEqualTo(requests.size());
        assertThat(meters.get(PollerMetrics.REQUESTS).tags("call", "authenticate", "outcome", "ok").counter().count())
                .isEqualTo(1);
        assertThat(meters.get(PollerMetrics.ACTIVE).gauge().value()).isEqualTo(1);
        assertThat(meters.get(PollerMetrics.LAG).gauge().value()).isBetween(0.0, 5.0);
        assertThat(meters.get(PollerMetrics.LAST_SUCCESS).gauge().value())
                .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5.0));
        assertThat(store.latest()).hasValueSatisfying(c -> assertThat(c.windowEnd()).isAfter(now.minusSeconds(2)));
    }

    /** The page count emnify reports for a window: pages beyond it repeat the last one. */
    private static int lastPage(List<ObjectNode> events, String q, int perPage) {
        String[] bounds = q.split(",");
        Instant from = Instant.parse(bounds[0].substring("from:".length()));
        Instant until = Instant.parse(bounds[1].substring("until:".length()));
        long matching = events.stream().map(e -> Instant.parse(e.get("timestamp").asText()))
                .filter(t -> !t.isBefore(from) && !t.isAfter(until)).count();
        return (int) Math.max(1, (matching + perPage - 1) / perPage);
    }

    // ---- order

    /**
     * Events of a few devices whose ids run against their time, ids from {@code lastId} down: the latest event has
     * the lowest id. Every fifth shares its timestamp with the one before, so the id has to break the tie.
     */
    private static List<ObjectNode> idsAgainstTime(long lastId, int count, Instant from, Instant until) {
        List<ObjectNode> out = new ArrayList<>(count);
        long step = Duration.between(from, until).toMillis() / count;
        Instant at = from;
        for (int i = 0; i < count; i++) {
            if (i % 5 != 4) {
                at = from.plusMillis(step * i);
            }
            out.add(FakeEmnifyApi.event(lastId - i, at, 20_000_000L + i % 3));
        }
        return out;
    }

    /** The ids in the order the poller must publish them: by timestamp, then id. */
    private static List<Long> byTimeThenId(List<ObjectNode> events) {
        return events.stream()
                .sorted(Comparator.comparing((ObjectNode e) -> Instant.parse(e.get("timestamp").asText()))
                        .thenComparingLong(e -> e.get("id").asLong()))
                .map(e -> e.get("id").asLong())
                .toList();
    }

    @Test
    void aWindowsEventsArePublishedByEventTimeThenIdWhateverOrderEmnifyListsThemIn() {
        Instant now = now();
        List<ObjectNode> events = idsAgainstTime(9_000, 24, now.minus(Duration.ofMinutes(9)), now.minusSeconds(30));
        api.add(events);

        start(config().withBackfill(new BackfillStart.Ago(Duration.ofMinutes(10))), lease());

        await().atMost(PATIENCE).until(() -> sink.ids().size() == events.size() && store.latest().isPresent());
        assertThat(api.eventRequests()).as("the window came in several pages, listed by id")
                .anySatisfy(r -> assertThat(r.page()).isEqualTo(4));
        assertThat(sink.ids()).as("by event time, then id").containsExactlyElementsOf(byTimeThenId(events));
        for (long device = 20_000_000L; device < 20_000_003L; device++) {
            String key = Long.toString(device);
            List<Instant> times = sink.keyed().stream().filter(k -> k.key().equals(key))
                    .map(k -> k.record().getTimestamp()).toList();
            assertThat(times).as("device %s", key).hasSizeGreaterThan(5).isSorted();
        }
    }

    @Test
    void aWindowListingMoreEventsThanAreHeldAtATimeIsFetchedAsShorterWindowsAndStillPublishedInOrder() {
        Instant now = now();
        List<ObjectNode> events = idsAgainstTime(9_000, 45, now.minus(Duration.ofMinutes(19)), now.minusSeconds(30));
        api.add(events);

        start(config().withMaxWindowEvents(10).withBackfill(new BackfillStart.Ago(Duration.ofMinutes(20))), lease());

        await().atMost(PATIENCE).until(() -> sink.ids().size() == events.size() && store.latest().isPresent());
        assertThat(sink.ids()).as("every event once, by event time, then id").doesNotHaveDuplicates()
                .containsExactlyElementsOf(byTimeThenId(events));
        Set<String> windows = api.eventRequests().stream().map(FakeEmnifyApi.Served::q).collect(Collectors.toSet());
        assertThat(windows).as("the 22-minute window and the shorter ones it was cut into").hasSizeGreaterThanOrEqualTo(6);
        for (String q : windows) {
            long listed = events.stream().filter(e -> within(e, q)).count();
            long fullPagesAsked = api.eventRequests().stream().filter(r -> r.q().equals(q) && r.page() > 1).count();
            if (listed > 10) {
                assertThat(fullPagesAsked).as("a window listing %d events is cut after its first page: %s", listed, q)
                        .isZero();
            }
        }
        assertThat(store.saved()).as("one checkpoint for the whole window, after all of it").first()
                .satisfies(c -> assertThat(c.windowEnd()).isAfterOrEqualTo(now.truncatedTo(ChronoUnit.SECONDS)));
    }

    private static boolean within(ObjectNode event, String q) {
        String[] bounds = q.split(",");
        Instant from = Instant.parse(bounds[0].substring("from:".length()));
        Instant until = Instant.parse(bounds[1].substring("until:".length()));
        Instant at = Instant.parse(event.get("timestamp").asText());
        return !at.isBefore(from) && !at.isAfter(until);
    }

    // ---- restart

    @Test
    void aRestartedPollerResumesFromItsCheckpointWithoutGapOrRepeat() throws Exception {
        Instant now = now();
        List<ObjectNode> before = new ArrayList<>(FakeEmnifyApi.spread(1_000, 30, now.minus(Duration.ofHours(2)),
                now.minusSeconds(30)));
        before.add(FakeEmnifyApi.event(1_500, now.minusSeconds(20), 20_000_004L));
        api.add(before);
        EmnifyPoller first = start(config().withBackfill(new BackfillStart.Ago(Duration.ofHours(2))), lease());
        await().atMost(PATIENCE).until(() -> sink.ids().size() == before.size()
                && store.latest().map(c -> !c.windowEnd().isBefore(now)).orElse(false));
        first.close();
        PollerCheckpoint last = store.latest().orElseThrow();
        assertThat(last.edgeIds()).as("the events inside the last overlap").isNotEmpty();

        // while it was down: new events, and one that emnify listed late with a time inside the overlap
        List<ObjectNode> during = List.of(
                FakeEmnifyApi.event(2_000, last.windowEnd().plusMillis(200), 20_000_001L),
                FakeEmnifyApi.event(2_001, last.windowEnd().plusMillis(700), 20_000_002L),
                FakeEmnifyApi.event(2_002, last.windowEnd().minusSeconds(40), 20_000_003L));
        api.add(during);
        Thread.sleep(1_200);
        int requestsBefore = api.eventRequests().size();

        // a different backfill must not matter: the checkpoint wins
        start(config().withBackfill(new BackfillStart.Ago(Duration.ofHours(1))), lease());
        await().atMost(PATIENCE).until(() -> sink.ids().size() == before.size() + during.size());
        await().atMost(PATIENCE).until(() -> store.saved().size() >= 3 + store.saved().indexOf(last));

        Set<Long> expected = new HashSet<>(ids(before));
        expected.addAll(ids(during));
        assertThat(sink.ids()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        FakeEmnifyApi.Served resumed = api.eventRequests().get(requestsBefore);
        assertThat(resumed.q()).startsWith("from:" + last.windowEnd().minus(Duration.ofMinutes(2)) + ",until:");
    }

    @Test
    void losingTheLeaseStopsPollingAndRegainingItResumesFromTheCheckpoint() {
        Instant now = now();
        api.add(FakeEmnifyApi.spread(1_000, 10, now.minus(Duration.ofMinutes(30)), now.minusSeconds(10)));
        InMemoryLease lease = lease();
        start(config().withBackfill(new BackfillStart.Ago(Duration.ofMinutes(30))), lease);
        await().atMost(PATIENCE).until(() -> sink.ids().size() == 10);

        lease.grant(false);
        await().atMost(PATIENCE).until(() -> meters.get(PollerMetrics.ACTIVE).gauge().value() == 0);
        int requests = api.served().size();
        api.add(List.of(FakeEmnifyApi.event(3_000, now(), 20_000_009L)));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> api.served().size() == requests);
        assertThat(sink.ids()).hasSize(10);

        lease.grant(true);
        await().atMost(PATIENCE).until(() -> sink.ids().contains(3_000L));
        assertThat(sink.ids()).doesNotHaveDuplicates().hasSize(11);
    }

    // ---- authentication

    @Test
    void theJwtIsRenewedBeforeItExpiresAndOnceWhenEmnifyAnswers401() {
        api.jwtLifetime(Duration.ofSeconds(3));
        Instant now = now();
        api.add(FakeEmnifyApi.spread(1_000, 20, now.minus(Duration.ofMinutes(50)), now.minusSeconds(5)));
        start(config().withPageSize(5).withBackfill(new BackfillStart.Ago(Duration.ofHours(1))), lease());

        await().atMost(PATIENCE).until(() -> api.eventRequests().stream().map(FakeEmnifyApi.Served::authorization)
                .distinct().count() >= 3);
        assertThat(api.eventRequests()).as("renewed before exp, so never refused").allSatisfy(r ->
                assertThat(r.status()).isEqualTo(200));
        assertThat(api.authentications()).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));

        // a long-lived JWT from the next renewal on, so no renewal by the clock can come before the 401
        api.jwtLifetime(Duration.ofHours(1));
        int renewals = api.authentications().size();
        await().atMost(PATIENCE).until(() -> api.authentications().size() > renewals);
        String longLived = "Bearer " + api.issuedJwts().get(api.issuedJwts().size() - 1);
        await().atMost(PATIENCE).until(() -> api.eventRequests().stream().anyMatch(r -> longLived.equals(r.authorization())));
        int served = api.served().size();
        api.revokeIssuedJwts();
        api.add(List.of(FakeEmnifyApi.event(4_000, now(), 20_000_005L)));
        await().atMost(PATIENCE).until(() -> sink.ids().contains(4_000L));

        List<FakeEmnifyApi.Served> after = api.served().subList(served, api.served().size());
        assertThat(after).extracting(r -> r.call() + " " + r.status())
                .startsWith("events 401", "authenticate 200", "events 200");
        assertThat(sink.ids()).doesNotHaveDuplicates().hasSize(21);
        assertThat(meters.get(PollerMetrics.REQUESTS).tags("call", "events", "outcome", "unauthorized").counter().count())
                .isEqualTo(1);
    }

    @Test
    void aRefusedTokenIsReportedWithWhatToDoAndRetriedSlowly() {
        CapturedLogs logs = CapturedLogs.start();
        try {
            PollerConfig wrong = PollerConfig.defaults(new ApplicationToken("not-the-token-SECRET-91"))
                    .withBaseUrl(api.baseUrl()).withPollInterval(Duration.ofMillis(200))
                    .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                    .withBackfill(new BackfillStart.Ago(Duration.ofMinutes(10)));
            start(wrong, lease());
            await().atMost(PATIENCE).until(() -> api.authentications().size() >= 3);

            List<FakeEmnifyApi.Served> attempts = api.authentications();
            assertThat(Duration.between(attempts.get(0).at(), attempts.get(2).at()))
                    .as("backs off: 100-200ms, then 200-400ms").isGreaterThanOrEqualTo(Duration.ofMillis(290));
            assertThat(api.eventRequests()).isEmpty();
            assertThat(logs.lines()).anySatisfy(m -> assertThat(m)
                    .contains("emnify refused the application token (HTTP 401)")
                    .contains("--emnify-token"));
        } finally {
            logs.close();
        }
    }

    // ---- rate limits and failures

    @Test
    void a429IsWaitedOutForRetryAfterAndTheRequestRateDrops() {
        Instant now = now();
        api.add(FakeEmnifyApi.spread(1_000, 30, now.minus(Duration.ofMinutes(20)), now.minusSeconds(5)));
        api.failNextEventRequests(1, 429, "1");
        start(config().withPageSize(5).withBackfill(new BackfillStart.Ago(Duration.ofMinutes(20))), lease());

        await().atMost(PATIENCE).until(() -> sink.ids().size() == 30);
        List<FakeEmnifyApi.Served> requests = api.eventRequests();
        assertThat(requests.get(0).status()).isEqualTo(429);
        assertThat(requests.get(1).page()).as("the same page again").isEqualTo(requests.get(0).page());
        assertThat(Duration.between(requests.get(0).at(), requests.get(1).at()))
                .as("Retry-After: 1").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        // 10 requests/s is 100ms apart; after the 429 the rate is halved and recovers a step per success
        assertThat(Duration.between(requests.get(1).at(), requests.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(Duration.between(requests.get(2).at(), requests.get(3).at())).isGreaterThanOrEqualTo(Duration.ofMillis(130));
        assertThat(sink.ids()).doesNotHaveDuplicates();
        assertThat(meters.get(PollerMetrics.REQUESTS).tags("call", "events", "outcome", "rate_limited").counter().count())
                .isEqualTo(1);
    }

    @Test
    void a429WithoutRetryAfterBacksOffWithGrowingDelays() {
        Instant now = now();
        api.add(FakeEmnifyApi.spread(1_000, 5, now.minus(Duration.ofMinutes(20)), now.minusSeconds(5)));
        api.failNextEventRequests(3, 429, null);
        start(config().withBackfill(new BackfillStart.Ago(Duration.ofMinutes(20))), lease());

        await().atMost(PATIENCE).until(() -> sink.ids().size() == 5);
        List<FakeEmnifyApi.Served> requests = api.eventRequests();
        assertThat(requests).extracting(FakeEmnifyApi.Served::status).startsWith(429, 429, 429, 200);
        long[] least = {50, 100, 200};
        for (int i = 0; i < least.length; i++) {
            assertThat(Duration.between(requests.get(i).at(), requests.get(i + 1).at()))
                    .as("delay after 429 number %d", i + 1).isGreaterThanOrEqualTo(Duration.ofMillis(least[i] - 5));
        }
    }

    @Test
    void serverErrorsAreRetriedWithGrowingDelays() {
        Instant now = now();
        api.add(FakeEmnifyApi.spread(1_000, 5, now.minus(Duration.ofMinutes(20)), now.minusSeconds(5)));
        api.failNextEventRequests(4, 500, null);
        start(config().withBackfill(new BackfillStart.Ago(Duration.ofMinutes(20))), lease());

        await().atMost(PATIENCE).until(() -> sink.ids().size() == 5);
        List<FakeEmnifyApi.Served> requests = api.eventRequests();
        assertThat(requests).extracting(FakeEmnifyApi.Served::status).startsWith(500, 500, 500, 500, 200);
        // base 100ms doubling, each delay in the upper half of its step: >= 50, 100, 200, 400ms
        long[] least = {50, 100, 200, 400};
        for (int i = 0; i < least.length; i++) {
            assertThat(Duration.between(requests.get(i).at(), requests.get(i + 1).at()))
                    .as("delay after failure %d", i + 1).isGreaterThanOrEqualTo(Duration.ofMillis(least[i] - 5));
        }
        assertThat(requests.get(4).q()).as("the same window is retried, nothing skipped").isEqualTo(requests.get(0).q());
        assertThat(meters.get(PollerMetrics.REQUESTS).tags("call", "events", "outcome", "server_error").counter().count())
                .isEqualTo(4);
    }

    @Test
    void aKafkaOutageRetriesThePageAndTheCheckpointOnlyMovesAfterAcknowledgement() {
        Instant now = now();
        api.add(FakeEmnifyApi.spread(1_000, 12, now.minus(Duration.ofMinutes(20)), now.minusSeconds(5)));
        sink.failNext(3);
        store.failNextSaves(2);
        start(config().withBackfill(new BackfillStart.Ago(Duration.ofMinutes(20))), lease());

        await().atMost(PATIENCE).until(() -> sink.ids().size() == 12 && !store.saved().isEmpty());
        assertThat(sink.attempts()).isGreaterThanOrEqualTo(3 + 2);
        assertThat(sink.ids()).doesNotHaveDuplicates();
        assertThat(store.saved().get(0).windowEnd()).isAfterOrEqualTo(now.truncatedTo(ChronoUnit.SECONDS));
    }

    @Test
    void anEventTheReaderRejectsIsDeadLetteredWithItsBytesAndTheRestPublished() throws Exception {
        Instant now = now();
        ObjectNode broken = FakeEmnifyApi.event(7_000, now.minusSeconds(60), 20_000_001L);
        broken.remove("event_type");
        api.add(List.of(broken, FakeEmnifyApi.event(7_001, now.minusSeconds(50), 20_000_001L)));
        start(config().withBackfill(new BackfillStart.Ago(Duration.ofMinutes(5))), lease());

        await().atMost(PATIENCE).until(() -> sink.ids().contains(7_001L) && !sink.deadLetters().isEmpty());
        int requests = api.eventRequests().size();
        // later windows list it again inside the overlap: it is dead-lettered once, like an event is published once
        await().atMost(PATIENCE).until(() -> api.eventRequests().size() >= requests + 3);
        assertThat(sink.ids()).containsExactly(7_001L);
        assertThat(sink.deadLetters()).hasSize(1);
        DeadLetter dead = sink.deadLetters().get(0);
        assertThat(dead.getStage()).isEqualTo(EmnifyPoller.STAGE);
        assertThat(dead.getSource()).isEqualTo("API");
        assertThat(dead.getReason()).contains("event_type is missing");
        assertThat(Json.mapper().readTree(new String(dead.getOriginal().array(), StandardCharsets.UTF_8)))
                .isEqualTo(Json.mapper().readTree(broken.toString()));
        assertThat(meters.get(PollerMetrics.EVENTS_DEAD_LETTERED).counter().count()).isEqualTo(1);
    }

    // ---- secrets

    @Test
    void theApplicationTokenAndTheJwtsNeverAppearInLogsOrMetrics() {
        CapturedLogs logs = CapturedLogs.start();
        List<String> jwts;
        try {
            api.jwtLifetime(Duration.ofSeconds(2));
            Instant now = now();
            api.add(FakeEmnifyApi.spread(1_000, 15, now.minus(Duration.ofMinutes(30)), now.minusSeconds(5)));
            api.failNextEventRequests(1, 429, "1");
            api.failNextEventRequests(1, 503, null);
            start(config().withPageSize(5).withBackfill(new BackfillStart.Ago(Duration.ofMinutes(30))), lease());
            await().atMost(PATIENCE).until(() -> sink.ids().size() == 15 && api.authentications().size() >= 2);
            api.revokeIssuedJwts();
            api.add(List.of(FakeEmnifyApi.event(4_000, now(), 20_000_005L)));
            await().atMost(PATIENCE).until(() -> sink.ids().contains(4_000L));
            PollerConfig wrong = PollerConfig.defaults(new ApplicationToken(TOKEN + "-revoked"))
                    .withBaseUrl(api.baseUrl()).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                    .withBackfill(new BackfillStart.Ago(Duration.ofMinutes(1)));
            EmnifyPoller refused = EmnifyPoller.create(wrong, sink, new InMemoryLease(new InMemoryLease.Store(), true),
                    new SimpleMeterRegistry(), Clock.systemUTC());
            toClose.add(0, refused);
            refused.start();
            await().atMost(PATIENCE).until(() -> logs.lines().stream().anyMatch(m -> m.contains("refused the application token")));
            jwts = api.issuedJwts();
        } finally {
            logs.close();
        }

        assertThat(jwts).hasSizeGreaterThanOrEqualTo(3);
        List<String> secrets = new ArrayList<>(jwts);
        secrets.add(TOKEN);
        List<String> lines = logs.lines();
        assertThat(lines).as("something was logged").hasSizeGreaterThan(5);
        for (String secret : secrets) {
            assertThat(lines).noneMatch(line -> line.contains(secret));
            // a JWT's signature alone is as good as the JWT for a thief
            String signature = secret.substring(secret.lastIndexOf('.') + 1);
            assertThat(lines).noneMatch(line -> line.contains(signature));
        }
        assertThat(config().toString()).doesNotContain(TOKEN);
        List<String> meterIds = meters.getMeters().stream().map(Meter::getId).map(Object::toString).toList();
        assertThat(meterIds).noneMatch(id -> secrets.stream().anyMatch(id::contains));
    }
}
