package io.fleetstream.topology.quota;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceProfileReferenceTest {

    @Test
    void readsIdAndNameFromTheDocumentedDescription() {
        String description = QuotaExamples.dataQuotaEnabled015().event().getDescription();

        assertThat(ServiceProfileReference.in(description))
                .contains(new ServiceProfileReference(99133, "Generic Service Profile"));
    }

    @Test
    void aReferenceWithoutANameHasOnlyTheId() {
        assertThat(ServiceProfileReference.in("SMS quota management disabled for service profile (id = 7)."))
                .contains(new ServiceProfileReference(7, null));
    }

    @Test
    void aNameMayHoldParentheses() {
        assertThat(ServiceProfileReference.in(
                "Data quota management enabled for service profile (id = 12 - Trackers (EU)), endpoints of this ..."))
                .contains(new ServiceProfileReference(12, "Trackers (EU)"));
    }

    @Test
    void spellingAndSpacingMayVary() {
        assertThat(ServiceProfileReference.in("SMS quota management enabled for Service Profile (ID=4711 -  Meters )"))
                .contains(new ServiceProfileReference(4711, "Meters"));
    }

    @Test
    void aDescriptionNamingNoServiceProfileHasNone() {
        assertThat(ServiceProfileReference.in("Data quota management enabled")).isEmpty();
        assertThat(ServiceProfileReference.in("Data quota enabled for service profile Generic")).isEmpty();
        assertThat(ServiceProfileReference.in(null)).isEmpty();
    }
}
