package io.fleetstream.schemas;

import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.serde.AvroSerdes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;

import static org.assertj.core.api.Assertions.assertThat;

class TypedTopicsTest {

    private final Topics names = new Topics("test.");
    private final AvroSerdes serdes = new AvroSerdes(new InMemorySchemaRegistry(), true);
    private final TypedTopics topics = new TypedTopics(names, serdes);

    @Test
    void eachTopicHasTheNameTopicsGivesIt() {
        assertThat(topics.raw().name()).isEqualTo(names.raw());
        assertThat(topics.deadLetters().name()).isEqualTo(names.deadLetters());
        assertThat(topics.category(EventCategory.DATA_QUOTA).name()).isEqualTo(names.category(EventCategory.DATA_QUOTA));
        assertThat(topics.deviceState().name()).isEqualTo(names.deviceState());
        assertThat(topics.devicePresence().name()).isEqualTo(names.devicePresence());
        assertThat(topics.quotaState().name()).isEqualTo(names.quotaState());
        assertThat(topics.quotaManagement().name()).isEqualTo(names.quotaManagement());
    }

    @Test
    void keysArePlainUtf8Strings() {
        byte[] key = topics.quotaManagement().keySerializer().serialize(names.quotaManagement(), "org-9684");

        assertThat(new String(key, StandardCharsets.UTF_8)).isEqualTo("org-9684");
    }

    @Test
    void valuesUseTheSharedAvroSerdeOfTheirRecordClass() {
        assertThat(topics.deviceState().valueSerde()).isSameAs(serdes.forValue(DeviceState.class));
        assertThat(topics.raw().valueSerde()).isSameAs(topics.category(EventCategory.OTHER).valueSerde());

        TypedTopic<String, QuotaManagementState> management = topics.quotaManagement();
        QuotaManagementState state = QuotaManagementState.newBuilder().setOrganisationId(9684)
                .setServiceProfiles(new HashMap<>()).build();
        byte[] bytes = management.valueSerializer().serialize(management.name(), state);

        assertThat(bytes[0]).isZero();
        assertThat(management.valueDeserializer().deserialize(management.name(), bytes)).isEqualTo(state);
    }
}
