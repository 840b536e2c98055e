package io.fleetstream.schemas.catalog;

/** One emnify event type: its id, emnify's name for it, and the category fleetstream routes it to. */
public record EventType(int id, String name, EventCategory category) {
}
