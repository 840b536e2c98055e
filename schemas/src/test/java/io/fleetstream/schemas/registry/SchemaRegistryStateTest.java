package io.fleetstream.schemas.registry;

import io.fleetstream.schemas.json.Json;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaRegistryStateTest {

    /** The base version: a required field and a field with a default. */
    private static final Schema BASE = record("{\"name\":\"iccid\",\"type\":\"string\"}",
            "{\"name\":\"rat_type\",\"type\":\"int\",\"default\":6}");

    private final InMemoryRegistryJournal journal = new InMemoryRegistryJournal();
    private final SchemaRegistryState registry = SchemaRegistryState.recover(journal);

    static Schema record(String... fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Sim\",\"namespace\":\"test\",\"fields\":["
                + String.join(",", fields) + "]}");
    }

    @Test
    void theSameSchemaGetsTheSameIdUnderEverySubject() {
        SchemaRegistryState.Registration raw = registry.register("emnify.events.raw-value", BASE);
        SchemaRegistryState.Registration routed = registry.register("emnify.events.generic-value", BASE);

        assertThat(routed.id()).isEqualTo(raw.id());
        assertThat(routed.version()).isEqualTo(1);
        assertThat(registry.subjects()).containsExactly("emnify.events.generic-value", "emnify.events.raw-value");
    }

    @Test
    void registeringAnAlreadyRegisteredSchemaReturnsItsIdAndVersionAndChangesNothing() throws Exception {
        SchemaRegistryState.Registration first = registry.register("s-value", BASE);
        int journalled = journal.readAll().size();

        SchemaRegistryState.Registration again = registry.register("s-value",
                new Schema.Parser().parse(Json.mapper().readTree(BASE.toString()).toPrettyString()));

        assertThat(again).isEqualTo(new SchemaRegistryState.Registration(first.id(), 1, false));
        assertThat(journal.readAll()).hasSize(journalled);
        assertThat(registry.versions("s-value")).containsExactly(1);
    }

    @Test
    void newSchemasGetNewIdsAndTheSubjectsVersionsCountUp() {
        Schema v2 = record("{\"name\":\"iccid\",\"type\":\"string\"}", "{\"name\":\"rat_type\",\"type\":\"int\",\"default\":6}",
                "{\"name\":\"msisdn\",\"type\":[\"null\",\"string\"],\"default\":null}");
        int id1 = registry.register("s-value", BASE).id();
        SchemaRegistryState.Registration second = registry.register("s-value", v2);

        assertThat(second.id()).isEqualTo(id1 + 1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(registry.latest("s-value")).isEqualTo(new RegisteredSchema("s-value", 2, second.id(), v2));
        assertThat(registry.version("s-value", 1).schema()).isEqualTo(BASE);
        assertThat(registry.schemaById(second.id())).isEqualTo(v2);
        assertThat(registry.lookup("s-value", v2)).contains(new RegisteredSchema("s-value", 2, second.id(), v2));
        assertThat(registry.lookup("other-value", v2)).isEmpty();
    }

    @Test
    void unknownSubjectsVersionsAndIdsFailWithConfluentsErrorCodes() {
        registry.register("s-value", BASE);

        assertThatThrownBy(() -> registry.versions("nope-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(40401);
                    assertThat(e.httpStatus()).isEqualTo(404);
                })
                .hasMessage("subject 'nope-value' not found");
        assertThatThrownBy(() -> registry.version("s-value", 7))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40402))
                .hasMessage("version 7 of subject 's-value' not found");
        assertThatThrownBy(() -> registry.schemaById(99))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403))
                .hasMessage("schema id 99 not found");
    }

    @Test
    void schemaTextThatIsNotAvroIsAnInvalidSchema() {
        assertThatThrownBy(() -> SchemaRegistryState.parse("{\"type\":\"record\",\"name\":\"X\"}"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(42201);
                    assertThat(e.httpStatus()).isEqualTo(422);
                })
                .hasMessageStartingWith("invalid schema: ")
                .hasMessageContaining("fields");
    }

    @Test
    void compatibilityIsBackwardUntilSetAndASubjectsOwnLevelWins() {
        assertThat(registry.compatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(registry.compatibility("s-value")).isEqualTo(CompatibilityLevel.BACKWARD);

        registry.setCompatibility(CompatibilityLevel.FORWARD);
        registry.setCompatibility("s-value", CompatibilityLevel.FULL_TRANSITIVE);

        assertThat(registry.compatibility()).isEqualTo(CompatibilityLevel.FORWARD);
        assertThat(registry.compatibility("s-value")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(registry.ownCompatibility("s-value")).contains(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(registry.compatibility("t-value")).isEqualTo(CompatibilityLevel.FORWARD);
        assertThat(registry.ownCompatibility("t-value")).isEmpty();
    }

    @Test
    void settingTheLevelASubjectAlreadyHasRecordsNoChange() {
        registry.setCompatibility("s-value", CompatibilityLevel.FULL);
        int journalled = journal.readAll().size();

        registry.setCompatibility("s-value", CompatibilityLevel.FULL);
        registry.setCompatibility(CompatibilityLevel.BACKWARD);

        assertThat(journal.readAll()).hasSize(journalled);
    }

    /**
     * One change against {@link #BASE} under each level. With a single earlier version the
     * transitive levels decide as their plain counterparts.
     */
    @ParameterizedTest(name = "{0} {1} -> accepted {2}")
    @CsvSource({
            "NONE, ADD_FIELD_WITH_DEFAULT, true",
            "NONE, ADD_FIELD_WITHOUT_DEFAULT, true",
            "NONE, REMOVE_FIELD_WITH_DEFAULT, true",
            "NONE, REMOVE_FIELD_WITHOUT_DEFAULT, true",
            "NONE, CHANGE_FIELD_TYPE, true",
            "BACKWARD, ADD_FIELD_WITH_DEFAULT, true",
            "BACKWARD, ADD_FIELD_WITHOUT_DEFAULT, false",
            "BACKWARD, REMOVE_FIELD_WITH_DEFAULT, true",
            "BACKWARD, REMOVE_FIELD_WITHOUT_DEFAULT, true",
            "BACKWARD, CHANGE_FIELD_TYPE, false",
            "BACKWARD_TRANSITIVE, ADD_FIELD_WITH_DEFAULT, true",
            "BACKWARD_TRANSITIVE, ADD_FIELD_WITHOUT_DEFAULT, false",
            "BACKWARD_TRANSITIVE, REMOVE_FIELD_WITHOUT_DEFAULT, true",
            "FORWARD, ADD_FIELD_WITH_DEFAULT, true",
            "FORWARD, ADD_FIELD_WITHOUT_DEFAULT, true",
            "FORWARD, REMOVE_FIELD_WITH_DEFAULT, true",
            "FORWARD, REMOVE_FIELD_WITHOUT_DEFAULT, false",
            "FORWARD, CHANGE_FIELD_TYPE, false",
            "FORWARD_TRANSITIVE, ADD_FIELD_WITHOUT_DEFAULT, true",
            "FORWARD_TRANSITIVE, REMOVE_FIELD_WITHOUT_DEFAULT, false",
            "FULL, ADD_FIELD_WITH_DEFAULT, true",
            "FULL, ADD_FIELD_WITHOUT_DEFAULT, false",
            "FULL, REMOVE_FIELD_WITH_DEFAULT, true",
            "FULL, REMOVE_FIELD_WITHOUT_DEFAULT, false",
            "FULL, CHANGE_FIELD_TYPE, false",
            "FULL_TRANSITIVE, ADD_FIELD_WITH_DEFAULT, true",
            "FULL_TRANSITIVE, ADD_FIELD_WITHOUT_DEFAULT, false",
            "FULL_TRANSITIVE, REMOVE_FIELD_WITHOUT_DEFAULT, false",
    })
    void eachLevelAcceptsExactlyTheChangesItAllows(CompatibilityLevel level, Change change, boolean accepted) {
        registry.setCompatibility("sim-value", level);
        registry.register("sim-value", BASE);

        assertThat(registry.incompatibilities("sim-value", change.schema).isEmpty()).isEqualTo(accepted);
        if (accepted) {
            assertThat(registry.register("sim-value", change.schema).version()).isEqualTo(2);
        } else {
            assertThatThrownBy(() -> registry.register("sim-value", change.schema))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(409))
                    .hasMessageContaining("incompatible with subject 'sim-value' under compatibility level " + level);
            assertThat(registry.versions("sim-value")).containsExactly(1);
        }
    }

    enum Change {
        ADD_FIELD_WITH_DEFAULT(record("{\"name\":\"iccid\",\"type\":\"string\"}", "{\"name\":\"rat_type\",\"type\":\"int\",\"default\":6}",
                "{\"name\":\"apn\",\"type\":\"string\",\"default\":\"em\"}")),
        ADD_FIELD_WITHOUT_DEFAULT(record("{\"name\":\"iccid\",\"type\":\"string\"}", "{\"name\":\"rat_type\",\"type\":\"int\",\"default\":6}",
                "{\"name\":\"apn\",\"type\":\"string\"}")),
        REMOVE_FIELD_WITH_DEFAULT(record("{\"name\":\"iccid\",\"type\":\"string\"}")),
        REMOVE_FIELD_WITHOUT_DEFAULT(record("{\"name\":\"rat_type\",\"type\":\"int\",\"default\":6}")),
        CHANGE_FIELD_TYPE(record("{\"name\":\"iccid\",\"type\":\"long\"}", "{\"name\":\"rat_type\",\"type\":\"int\",\"default\":6}"));

        final Schema schema;

        Change(Schema schema) {
            this.schema = schema;
        }
    }

    @Test
    void theIncompatibilityMessageSaysWhichVersionCannotReadWhat() {
        registry.register("sim-value", BASE);

        assertThatThrownBy(() -> registry.register("sim-value", Change.ADD_FIELD_WITHOUT_DEFAULT.schema))
                .hasMessageContaining("the new schema cannot read data written with version 1")
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE")
                .hasMessageContaining("apn");
    }

    @Test
    void backwardTransitiveChecksEveryVersionWhereBackwardChecksOnlyTheLatest() {
        List<Schema> history = List.of(
                record("{\"name\":\"iccid\",\"type\":\"string\"}"),
                record("{\"name\":\"iccid\",\"type\":\"string\"}", "{\"name\":\"rat_type\",\"type\":\"int\",\"default\":6}"));
        // the default is dropped again: version 2 data has the field, version 1 data does not
        Schema next = record("{\"name\":\"iccid\",\"type\":\"string\"}", "{\"name\":\"rat_type\",\"type\":\"int\"}");

        assertAcceptedOnlyByNonTransitive(CompatibilityLevel.BACKWARD, CompatibilityLevel.BACKWARD_TRANSITIVE, history, next);
    }

    @Test
    void forwardAndFullTransitiveCheckEveryVersionWhereForwardAndFullCheckOnlyTheLatest() {
        List<Schema> history = List.of(
                record("{\"name\":\"iccid\",\"type\":\"string\"}", "{\"name\":\"apn\",\"type\":\"string\"}"),
                record("{\"name\":\"iccid\",\"type\":\"string\"}", "{\"name\":\"apn\",\"type\":\"string\",\"default\":\"em\"}"));
        // removing the field: version 2 readers fall back on the default, version 1 readers have none
        Schema next = record("{\"name\":\"iccid\",\"type\":\"string\"}");

        assertAcceptedOnlyByNonTransitive(CompatibilityLevel.FORWARD, CompatibilityLevel.FORWARD_TRANSITIVE, history, next);
        assertAcceptedOnlyByNonTransitive(CompatibilityLevel.FULL, CompatibilityLevel.FULL_TRANSITIVE, history, next);
    }

    private void assertAcceptedOnlyByNonTransitive(CompatibilityLevel plain, CompatibilityLevel transitive, List<Schema> history, Schema next) {
        String subject = "history-" + plain + "-value";
        registry.setCompatibility(subject, CompatibilityLevel.NONE);
        history.forEach(schema -> registry.register(subject, schema));

        registry.setCompatibility(subject, transitive);
        assertThat(registry.incompatibilities(subject, next)).singleElement().asString().contains("version 1");
        assertThatThrownBy(() -> registry.register(subject, next)).isInstanceOf(SchemaRegistryException.class);

        registry.setCompatibility(subject, plain);
        assertThat(registry.register(subject, next).version()).isEqualTo(3);
    }

    @Test
    void aSubjectWithoutVersionsAcceptsAnySchema() {
        registry.setCompatibility("new-value", CompatibilityLevel.FULL_TRANSITIVE);

        assertThat(registry.incompatibilities("new-value", BASE)).isEmpty();
        assertThat(new InMemorySchemaRegistry(registry).isCompatible("new-value", BASE)).isTrue();
    }

    @Test
    void replayingTheJournalRebuildsSubjectsIdsVersionsAndLevels() {
        Schema other = record("{\"name\":\"imsi\",\"type\":\"string\"}");
        registry.setCompatibility(CompatibilityLevel.FULL);
        registry.setCompatibility("b-value", CompatibilityLevel.NONE);
        int baseId = registry.register("a-value", BASE).id();
        registry.register("b-value", other);
        registry.register("b-value", BASE);

        SchemaRegistryState rebuilt = SchemaRegistryState.recover(journal);

        assertThat(rebuilt.subjects()).containsExactly("a-value", "b-value");
        assertThat(rebuilt.versions("b-value")).containsExactly(1, 2);
        assertThat(rebuilt.version("b-value", 2)).isEqualTo(new RegisteredSchema("b-value", 2, baseId, BASE));
        assertThat(rebuilt.schemaById(baseId)).isEqualTo(BASE);
        assertThat(rebuilt.compatibility()).isEqualTo(CompatibilityLevel.FULL);
        assertThat(rebuilt.compatibility("b-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(rebuilt.register("c-value", other).id()).isEqualTo(registry.lookup("b-value", other).orElseThrow().id());
        Schema brandNew = record("{\"name\":\"imsi\",\"type\":\"string\"}", "{\"name\":\"apn\",\"type\":[\"null\",\"string\"],\"default\":null}");
        assertThat(rebuilt.register("c-value", brandNew).id()).isEqualTo(3);
    }

    @Test
    void everyChangeIsJournalledInOrder() {
        registry.setCompatibility("s-value", CompatibilityLevel.FORWARD);
        int id = registry.register("s-value", BASE).id();
        registry.setCompatibility(CompatibilityLevel.NONE);

        assertThat(journal.readAll()).containsExactly(
                new RegistryChange.SubjectCompatibilitySet("s-value", CompatibilityLevel.FORWARD),
                new RegistryChange.SchemaVersionAdded("s-value", 1, id, BASE.toString()),
                new RegistryChange.GlobalCompatibilitySet(CompatibilityLevel.NONE));
    }

    @Test
    void aChangeTheJournalCannotStoreIsNotApplied() {
        RegistryJournal broken = new RegistryJournal() {
            @Override
            public void append(RegistryChange change) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public List<RegistryChange> readAll() {
                return List.of();
            }
        };
        SchemaRegistryState state = SchemaRegistryState.recover(broken);

        assertThatThrownBy(() -> state.register("s-value", BASE)).hasMessage("disk full");
        assertThatThrownBy(() -> state.setCompatibility("s-value", CompatibilityLevel.NONE)).hasMessage("disk full");

        assertThat(state.subjects()).isEmpty();
        assertThat(state.compatibility("s-value")).isEqualTo(CompatibilityLevel.BACKWARD);
    }
}
