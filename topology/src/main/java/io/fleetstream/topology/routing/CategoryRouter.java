package io.fleetstream.topology.routing;

import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCatalog;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/** Chooses each event's category topic from its event type id, through the catalog; unknown ids go to 'other'. */
public final class CategoryRouter implements TopicNameExtractor<String, ReceivedEvent> {

    private final EventCatalog catalog;
    private final Topics topics;

    public CategoryRouter(EventCatalog catalog, Topics topics) {
        this.catalog = catalog;
        this.topics = topics;
    }

    @Override
    public String extract(String key, ReceivedEvent received, RecordContext recordContext) {
        return topics.category(catalog.categoryOf(received.event().getEventType().getId()));
    }
}
