package io.fleetstream.schemas.serde;

/** Confluent's wire format and subject naming, shared by the serializer and the deserializer. */
final class WireFormat {

    static final byte MAGIC_BYTE = 0;
    /** The magic byte and the 4-byte schema id. */
    static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /** TopicNameStrategy: a topic's values are registered under {@code <topic>-value}. */
    static String valueSubject(String topic) {
        return topic + "-value";
    }
}
