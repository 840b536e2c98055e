package io.fleetstream.schemas.emnify;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.IngestSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.fleetstream.schemas.emnify.EmnifyEventReaderTest.event;
import static org.assertj.core.api.Assertions.assertThat;

class EventKeysTest {

    private final EmnifyEventReader reader = new EmnifyEventReader();

    @Test
    void anEventIsKeyedByItsEndpointId() {
        assertThat(EventKeys.keyOf(read(event()))).isEqualTo("20");
    }

    @Test
    void anEventWithoutEndpointIsKeyedByOrganisation() {
        var json = event();
        json.remove("endpoint");

        assertThat(EventKeys.keyOf(read(json))).isEqualTo("org-10");
    }

    @Test
    void anEventWithoutEndpointOrOrganisationHasTheUnknownOrganisationKey() {
        var json = event();
        json.remove("endpoint");
        json.remove("organisation");

        assertThat(EventKeys.keyOf(read(json))).isEqualTo("org-unknown");
    }

    @Test
    void anOrganisationKeyIsTheKeyOfItsEventsWithoutEndpoint() {
        var json = event();
        json.remove("endpoint");

        assertThat(EventKeys.ofOrganisation(10)).isEqualTo(EventKeys.keyOf(read(json))).isEqualTo("org-10");
    }

    @Test
    void anEndpointKeyIsTheKeyOfItsEvents() {
        assertThat(EventKeys.ofEndpoint(20)).isEqualTo(EventKeys.keyOf(read(event())));
    }

    private EmnifyEvent read(com.fasterxml.jackson.databind.JsonNode json) {
        return ((ReadResult.Accepted<EmnifyEvent>) reader.read(json, IngestSource.STREAMER, Instant.EPOCH)).record();
    }
}
