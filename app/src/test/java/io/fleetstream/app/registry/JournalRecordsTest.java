package io.fleetstream.app.registry;

import io.fleetstream.schemas.registry.CompatibilityLevel;
import io.fleetstream.schemas.registry.RegistryChange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalRecordsTest {

    private final JournalRecords records = new JournalRecords();

    @Test
    void everyKindOfChangeReadsBackAsWritten() {
        List<RegistryChange> changes = List.of(
                new RegistryChange.SchemaVersionAdded("emnify.events.raw-value", 3, 17, "{\"type\":\"string\"}"),
                new RegistryChange.SubjectCompatibilitySet("emnify.events.raw-value", CompatibilityLevel.FULL_TRANSITIVE),
                new RegistryChange.GlobalCompatibilitySet(CompatibilityLevel.NONE));

        for (RegistryChange change : changes) {
            JournalRecords.Encoded encoded = records.encode(change);
            assertThat(records.decode(encoded.key(), encoded.value())).contains(change);
        }
    }

    @Test
    void keysIdentifyWhatIsChangedSoCompactionKeepsTheLatestOfEach() {
        String subjectLevel = records.encode(new RegistryChange.SubjectCompatibilitySet("a-value", CompatibilityLevel.FULL)).key();
        String global = records.encode(new RegistryChange.GlobalCompatibilitySet(CompatibilityLevel.FULL)).key();

        assertThat(records.encode(new RegistryChange.SubjectCompatibilitySet("a-value", CompatibilityLevel.NONE)).key()).isEqualTo(subjectLevel);
        assertThat(records.encode(new RegistryChange.GlobalCompatibilitySet(CompatibilityLevel.NONE)).key()).isEqualTo(global);
        assertThat(subjectLevel).isNotEqualTo(global);
        assertThat(records.encode(new RegistryChange.SchemaVersionAdded("a-value", 1, 1, "\"string\"")).key())
                .isNotEqualTo(records.encode(new RegistryChange.SchemaVersionAdded("a-value", 2, 2, "\"long\"")).key());
    }

    @Test
    void tombstonesAndUnknownKindsAreSkipped() {
        assertThat(records.decode("{\"kind\":\"SCHEMA\",\"subject\":\"a\",\"version\":1}", null)).isEmpty();
        assertThat(records.decode("{\"kind\":\"MODE\"}", "{\"mode\":\"READONLY\"}")).isEmpty();
    }

    @Test
    void aRecordThatIsNotAJournalEntryIsRefused() {
        assertThatThrownBy(() -> records.decode("{\"kind\":\"SCHEMA\"}", "{\"subject\":\"a\"}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unreadable schema journal record")
                .hasMessageContaining("'version' is missing");
    }
}
