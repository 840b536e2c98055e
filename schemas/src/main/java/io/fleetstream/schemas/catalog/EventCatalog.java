package io.fleetstream.schemas.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The emnify event-type catalog, read from {@code event-types.csv}, the single source of truth for
 * which category an event type id belongs to. Routing uses the id only: emnify's descriptions
 * differ between sources and versions.
 */
public final class EventCatalog {

    private static final String RESOURCE = "/io/fleetstream/schemas/event-types.csv";
    private static final int MAX_KNOWN_ID = 1024;

    private final EventType[] byId;
    private final List<EventType> all;

    private EventCatalog(List<EventType> types) {
        int max = types.stream().mapToInt(EventType::id).max().orElse(0);
        this.byId = new EventType[max + 1];
        for (EventType type : types) {
            if (byId[type.id()] != null) {
                throw new IllegalStateException("event type id " + type.id() + " appears twice in the catalog");
            }
            byId[type.id()] = type;
        }
        this.all = List.copyOf(types);
    }

    /** The catalog shipped with fleetstream. */
    public static EventCatalog standard() {
        return Holder.STANDARD;
    }

    /** Parses a catalog in the {@code id,name,category} format; lines starting with '#' are comments. */
    public static EventCatalog parse(InputStream in) {
        List<EventType> types = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            boolean header = true;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (header) {
                    header = false;
                    if (!line.trim().equals("id,name,category")) {
                        throw new IllegalStateException("catalog line " + lineNo + ": expected header 'id,name,category'");
                    }
                    continue;
                }
                int first = line.indexOf(',');
                int last = line.lastIndexOf(',');
                if (first < 0 || first == last) {
                    throw new IllegalStateException("catalog line " + lineNo + ": expected id,name,category but got '" + line + "'");
                }
                int id = Integer.parseInt(line.substring(0, first).trim());
                if (id < 0 || id > MAX_KNOWN_ID) {
                    throw new IllegalStateException("catalog line " + lineNo + ": id " + id + " out of range");
                }
                types.add(new EventType(id, line.substring(first + 1, last).trim(),
                        EventCategory.fromSlug(line.substring(last + 1))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the event-type catalog", e);
        }
        return new EventCatalog(types);
    }

    /** The category of an event type id; ids the catalog does not know are {@link EventCategory#OTHER}. */
    public EventCategory categoryOf(int eventTypeId) {
        EventType type = eventTypeId >= 0 && eventTypeId < byId.length ? byId[eventTypeId] : null;
        return type == null ? EventCategory.OTHER : type.category();
    }

    public Optional<EventType> find(int eventTypeId) {
        return eventTypeId >= 0 && eventTypeId < byId.length ? Optional.ofNullable(byId[eventTypeId]) : Optional.empty();
    }

    /**
     * The event type the catalog calls {@code name} (exactly as in its {@code name} column), for code that
     * reacts to particular types; see {@link EventTypes}. Fails when the catalog has no such name, so a
     * renamed or missing entry stops start-up instead of silently matching nothing.
     */
    public EventType named(String name) {
        List<EventType> matches = all.stream().filter(type -> type.name().equals(name)).toList();
        if (matches.size() != 1) {
            throw new IllegalStateException("the event-type catalog " + RESOURCE + " has " + matches.size()
                    + " event types named '" + name + "', expected exactly one: fix the catalog or the name asked for");
        }
        return matches.get(0);
    }

    /** Every known event type, ordered by id. */
    public List<EventType> all() {
        return Collections.unmodifiableList(all);
    }

    private static final class Holder {
        static final EventCatalog STANDARD = load();

        private static EventCatalog load() {
            InputStream in = EventCatalog.class.getResourceAsStream(RESOURCE);
            if (in == null) {
                throw new IllegalStateException("event-type catalog " + RESOURCE + " is missing from the classpath");
            }
            return parse(in);
        }
    }
}
