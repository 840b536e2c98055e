package io.fleetstream.topology.routing;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCatalog;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/** Chooses each event's category topic from its event type id, through the catalog; unknown ids go to 'other'. */
public final class CategoryRouter implements TopicNameExtractor<String, EmnifyEvent> {

    private final EventCatalog catalog;
    private final Topics topics;

    public CategoryRouter(EventCatalog catalog, Topics topics) {
        this.catalog = catalog;
        this.topics = topics;
    }

    @Override
    public String extract(String key, EmnifyEvent event, RecordContext recordContext) {
        return topics.category(catalog.categoryOf(event.getEventType().getId()));
    }
}
