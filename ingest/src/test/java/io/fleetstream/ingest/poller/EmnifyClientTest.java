package io.fleetstream.ingest.poller;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.fleetstream.schemas.json.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** One attempt per call, against the fake of emnify and against a bare WireMock for answers emnify should not give. */
class EmnifyClientTest {

    private static final String TOKEN = "client-test-token-SECRET";
    private static final PollWindow WINDOW = new PollWindow(Instant.parse("2024-01-01T00:00:00Z"),
            Instant.parse("2024-01-01T01:00:00Z"));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private FakeEmnifyApi fake;
    private WireMockServer bare;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
        if (bare != null) {
            bare.stop();
        }
    }

    private EmnifyClient client(URI base) {
        PollerConfig config = PollerConfig.defaults(new ApplicationToken(TOKEN)).withBaseUrl(base)
                .withRequestTimeout(Duration.ofSeconds(3));
        return new EmnifyClient(config, EmnifyClient.httpClient(Duration.ofSeconds(3)), RateLimiter.systemTime(10),
                new PollerMetrics(meters, Clock.systemUTC()), Clock.systemUTC());
    }

    private WireMockServer bare() {
        bare = new WireMockServer(options().dynamicPort());
        bare.start();
        bare.stubFor(post(urlPathEqualTo(EmnifyClient.AUTHENTICATE_PATH)).willReturn(okJson("{\"auth_token\": \"a.e30.c\"}")));
        return bare;
    }

    @Test
    void authenticatesOnceThenSendsTheJwtAndTheWindowQuery() throws Exception {
        fake = new FakeEmnifyApi(TOKEN).maxPerPage(2);
        fake.add(FakeEmnifyApi.spread(1, 5, WINDOW.from(), WINDOW.until()));
        EmnifyClient client = client(fake.baseUrl());

        FetchResult first = client.fetch(WINDOW, 1, 50);
        FetchResult third = client.fetch(WINDOW, 3, 50);
        FetchResult past = client.fetch(WINDOW, 4, 50);

        assertThat(first).isInstanceOfSatisfying(FetchResult.Fetched.class, f -> {
            assertThat(f.page().events()).extracting(e -> e.json().get("id").asLong()).containsExactly(1L, 2L);
            assertThat(f.page().totalPages()).isEqualTo(OptionalInt.of(3));
            assertThat(f.page().isLast(50)).isFalse();
        });
        assertThat(third).isInstanceOfSatisfying(FetchResult.Fetched.class, f -> assertThat(f.page().isLast(50)).isTrue());
        assertThat(past).as("emnify repeats the last page past the end").isInstanceOfSatisfying(FetchResult.Fetched.class,
                f -> assertThat(f.page().events()).extracting(e -> e.json().get("id").asLong()).containsExactly(5L));
        assertThat(fake.authentications()).hasSize(1);
        String jwt = fake.issuedJwts().get(0);
        assertThat(fake.eventRequests()).allSatisfy(r -> {
            assertThat(r.authorization()).isEqualTo("Bearer " + jwt);
            assertThat(r.q()).isEqualTo("from:2024-01-01T00:00:00Z,until:2024-01-01T01:00:00Z");
            assertThat(r.perPage()).isEqualTo(50);
        });
    }

    @Test
    void theTokenTravelsOnlyInTheAuthenticationBody() throws Exception {
        WireMockServer server = bare();
        server.stubFor(get(urlPathEqualTo(EmnifyClient.EVENTS_PATH)).willReturn(okJson("[]").withHeader("X-Total-Pages", "0")));

        FetchResult result = client(URI.create(server.baseUrl())).fetch(WINDOW, 1, 100);

        assertThat(result).isInstanceOfSatisfying(FetchResult.Fetched.class, f -> assertThat(f.page().isLast(100)).isTrue());
        List<LoggedRequest> requests = server.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
        LoggedRequest authentication = requests.stream().filter(r -> r.getUrl().equals(EmnifyClient.AUTHENTICATE_PATH))
                .findFirst().orElseThrow();
        assertThat(Json.mapper().readTree(authentication.getBodyAsString()).get("application_token").asText()).isEqualTo(TOKEN);
        LoggedRequest events = requests.stream().filter(r -> r.getUrl().startsWith(EmnifyClient.EVENTS_PATH)).findFirst().orElseThrow();
        assertThat(events.getUrl()).doesNotContain(TOKEN).contains("sort=id").contains("page=1").contains("per_page=100");
        assertThat(events.getHeaders().all().toString()).doesNotContain(TOKEN).contains("Bearer a.e30.c");
    }

    @Test
    void withoutXTotalPagesAShortPageIsTheLast() throws Exception {
        WireMockServer server = bare();
        server.stubFor(get(urlPathEqualTo(EmnifyClient.EVENTS_PATH)).willReturn(okJson("[{\"id\": 1}, {\"id\": 2}]")));

        FetchResult result = client(URI.create(server.baseUrl())).fetch(WINDOW, 1, 2);

        assertThat(result).isInstanceOfSatisfying(FetchResult.Fetched.class, f -> {
            assertThat(f.page().totalPages()).isEmpty();
            assertThat(f.page().isLast(2)).as("a full page may have a successor").isFalse();
            assertThat(f.page().isLast(3)).isTrue();
        });
    }

    @Test
    void aWrongUrlARejectedQueryAndAGarbledPageSayWhatIsWrong() throws Exception {
        WireMockServer server = bare();
        server.stubFor(get(urlPathEqualTo(EmnifyClient.EVENTS_PATH)).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error_code\": 422, \"message\": \"Invalid value for from\"}")));
        EmnifyClient client = client(URI.create(server.baseUrl()));

        assertThat(client.fetch(WINDOW, 1, 100)).isInstanceOfSatisfying(FetchResult.Refused.class, r ->
                assertThat(r.reason()).startsWith("emnify refused the event query").contains("422: Invalid value for from"));

        server.stubFor(get(urlPathEqualTo(EmnifyClient.EVENTS_PATH)).willReturn(okJson("<html>maintenance</html>")));
        assertThat(client.fetch(WINDOW, 1, 100)).isInstanceOfSatisfying(FetchResult.Unavailable.class, r ->
                assertThat(r.reason()).contains("not a JSON array of events"));

        EmnifyClient misdirected = client(URI.create(server.baseUrl() + "/wrong-prefix"));
        assertThat(misdirected.fetch(WINDOW, 1, 100)).isInstanceOfSatisfying(FetchResult.Refused.class, r ->
                assertThat(r.reason()).contains("(404): check --emnify-url"));
    }

    @Test
    void anUnreachableApiIsUnavailableNotFatal() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        FetchResult result = client(URI.create("http://127.0.0.1:" + closedPort)).fetch(WINDOW, 1, 100);

        assertThat(result).isInstanceOfSatisfying(FetchResult.Unavailable.class, r ->
                assertThat(r.reason()).startsWith("cannot reach 127.0.0.1").doesNotContain(TOKEN));
        assertThat(meters.get(PollerMetrics.REQUESTS).tags("call", "authenticate", "outcome", "network_error").counter().count())
                .isEqualTo(1);
    }

    @Test
    void aRateLimitedAuthenticationCarriesItsRetryAfter() throws Exception {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        bare = server;
        server.start();
        server.stubFor(post(urlPathEqualTo(EmnifyClient.AUTHENTICATE_PATH)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "12")));

        assertThat(client(URI.create(server.baseUrl())).fetch(WINDOW, 1, 100))
                .isEqualTo(new FetchResult.RateLimited(java.util.Optional.of(Duration.ofSeconds(12))));
        assertThat(meters.get(PollerMetrics.REQUESTS).tags("call", "authenticate", "outcome", "rate_limited").counter().count())
                .isEqualTo(1);
    }
}
