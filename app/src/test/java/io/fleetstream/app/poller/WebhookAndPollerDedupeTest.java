package io.fleetstream.app.poller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.app.local.LocalStack;
import io.fleetstream.app.testing.WebhookPoster;
import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.ingest.poller.ApplicationToken;
import io.fleetstream.ingest.poller.BackfillStart;
import io.fleetstream.ingest.poller.FakeEmnifyApi;
import io.fleetstream.ingest.poller.PollerConfig;
import io.fleetstream.ingest.webhook.WebhookConfig;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.topology.TopologyConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same events arriving by the Data Streamer webhook and by the poller, in both orders, in {@code local} mode:
 * the raw topic has both copies, every category topic has each event once.
 */
class WebhookAndPollerDedupeTest {

    private static final String TOKEN = "dedupe-app-token-SECRET";

    @TempDir
    Path dataDir;

    @Test
    void eventsDeliveredByWebhookAndByPollEndUpOnceInTheCategoryTopics() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<ObjectNode> polledFirst = new ArrayList<>(FakeEmnifyApi.spread(40_000, 12, now.minus(Duration.ofMinutes(20)),
                now.minus(Duration.ofMinutes(1))));
        polledFirst.add(FakeEmnifyApi.event(40_100, now.minus(Duration.ofMinutes(5)), 0));
        List<ObjectNode> postedFirst = FakeEmnifyApi.spread(41_000, 5, now.minusSeconds(50), now.minusSeconds(10));

        Topics topics = Topics.withDefaultPrefix();
        try (FakeEmnifyApi api = new FakeEmnifyApi(TOKEN).add(polledFirst)) {
            PollerConfig poller = PollerConfig.defaults(new ApplicationToken(TOKEN)).withBaseUrl(api.baseUrl())
                    .withPollInterval(Duration.ofMillis(300)).withRequestsPerSecond(10)
                    .withBackfill(new BackfillStart.Ago(Duration.ofMinutes(30)));
            LocalStack.Settings settings = new LocalStack.Settings(dataDir, LocalStack.Ports.any(), topics, 2,
                    TopologyConfig.defaults(topics), "at_least_once", Duration.ofMillis(100), WebhookConfig.defaults(),
                    Optional.of(poller));
            try (LocalStack stack = LocalStack.start(settings, new SimpleMeterRegistry())) {
                TopicReader reader = new TopicReader(stack.bootstrapServers(), stack.registryUrl());
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        reader.values(topics.raw(), EmnifyEvent.class).size() >= polledFirst.size());

                // the streamer delivers what was already polled, and new events the API lists only afterwards
                List<ObjectNode> everything = new ArrayList<>(polledFirst);
                everything.addAll(postedFirst);
                assertThat(WebhookPoster.post(stack.ingestPort(), everything).statusCode()).isEqualTo(200);
                api.add(postedFirst);

                Map<Long, EventCategory> expected = new HashMap<>();
                for (ObjectNode event : everything) {
                    expected.put(event.get("id").asLong(), event.get("event_type").get("id").asInt() == 3
                            ? EventCategory.DATA_CONNECTION : EventCategory.DATA_QUOTA);
                }
                await().atMost(Duration.ofSeconds(25)).untilAsserted(() -> {
                    List<EmnifyEvent> raw = reader.values(topics.raw(), EmnifyEvent.class);
                    for (IngestSource source : List.of(IngestSource.API, IngestSource.STREAMER)) {
                        assertThat(raw).filteredOn(e -> e.getIngest().getSource() == source)
                                .extracting(EmnifyEvent::getId).as("raw copies from %s", source)
                                .containsExactlyInAnyOrderElementsOf(expected.keySet());
                    }
                    Map<Long, EventCategory> routed = new HashMap<>();
                    for (EventCategory category : EventCategory.values()) {
                        for (EmnifyEvent event : reader.values(topics.category(category), EmnifyEvent.class)) {
                            assertThat(routed.put(event.getId(), category)).as("event %d routed twice", event.getId()).isNull();
                        }
                    }
                    assertThat(routed).isEqualTo(expected);
                });
            }
        }
    }
}
