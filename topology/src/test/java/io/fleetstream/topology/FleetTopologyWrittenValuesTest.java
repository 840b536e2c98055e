package io.fleetstream.topology;

import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.TypedTopics;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The list of written topics that start-up resolves schemas for stays in step with the topology's sinks. */
class FleetTopologyWrittenValuesTest {

    @Test
    void everyTopicTheTopologyWritesHasItsValueSchemaListedChangelogsIncluded() {
        TopologyConfig config = TopologyConfig.defaults(new Topics("test."));
        AvroSerdes serdes = new AvroSerdes(new InMemorySchemaRegistry(), true);
        TopologyDescription description = FleetTopology.build(config, serdes, new SimpleMeterRegistry()).describe();
        Set<String> sinkTopics = new HashSet<>();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                sinkTopics.add(sink.topic());
            }
        }));
        for (EventCategory category : EventCategory.values()) {
            sinkTopics.add(config.topics().category(category)); // routed by a topic name extractor
        }
        sinkTopics.add(config.topics().raw()); // the history store's values are registered under its subject
        sinkTopics.add(config.topics().usageRaw()); // ingest writes it; resolved with every topic TypedTopics declares
        // the stores that keep Avro values write them to their changelogs with the same serdes
        sinkTopics.addAll(Set.of("app-device-state-changelog", "app-quota-state-changelog", "app-quota-management-changelog",
                "app-fleet-incidents-changelog", "app-incident-reorder-buffer-changelog"));
        Set<String> stores = new HashSet<>();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Processor processor) {
                stores.addAll(processor.stores());
            }
        }));
        assertThat(stores).contains("device-state", "quota-state", "quota-management", "fleet-incidents",
                "incident-reorder-buffer");

        Set<String> listed = FleetTopology.writtenValues(new TypedTopics(config.topics(), serdes), "app").stream()
                .map(FleetTopology.WrittenValue::topic).collect(Collectors.toSet());
        assertThat(listed).isEqualTo(sinkTopics);
    }
}
