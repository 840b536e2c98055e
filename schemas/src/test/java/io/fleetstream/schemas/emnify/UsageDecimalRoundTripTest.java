package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.IngestSource;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.TypedTopic;
import io.fleetstream.schemas.TypedTopics;
import io.fleetstream.schemas.json.Json;
import io.fleetstream.schemas.registry.InMemorySchemaRegistry;
import io.fleetstream.schemas.registry.SchemaRegistryState;
import io.fleetstream.schemas.serde.AvroSerdes;
import io.fleetstream.schemas.serde.PublishedSchema;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Money and volumes stay exact all the way: emnify's JSON → {@link UsageRecordReader} → Avro in the Confluent wire
 * format with the project's serdes → decoded → {@link UsageRecordWriter} → JSON.
 */
class UsageDecimalRoundTripTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final TypedTopic<String, UsageRecord> topic =
            new TypedTopics(Topics.withDefaultPrefix(), new AvroSerdes(registry, true)).usageRaw();

    private UsageRecord throughAvro(UsageRecord usage) {
        byte[] wire = topic.valueSerializer().serialize(topic.name(), usage);
        assertThat(wire[0]).as("Confluent wire format").isZero();
        return topic.valueDeserializer().deserialize(topic.name(), wire);
    }

    private static UsageRecord read(JsonNode json) {
        ReadResult<UsageRecord> result = new UsageRecordReader().read(json, IngestSource.STREAMER, Instant.parse("2025-01-02T03:04:05Z"));
        assertThat(result).isInstanceOf(ReadResult.Accepted.class);
        return ((ReadResult.Accepted<UsageRecord>) result).record();
    }

    @Test
    void theDocumentedCostStaysExactThroughReaderAvroAndJson() throws Exception {
        UsageRecord read = read(UsageExamples.json(UsageExamples.DATA));

        UsageRecord decoded = throughAvro(read);
        String json = Json.mapper().writeValueAsString(new UsageRecordWriter().write(decoded));

        assertThat(decoded).isEqualTo(read);
        assertThat(decoded.getCost()).isEqualTo(new BigDecimal("0.0018851200"));
        assertThat(json).contains("\"cost\":0.00188512,", "\"total\":0.219933,", "\"rx\":0.172848,", "\"tx\":0.047085}");
        JsonNode written = Json.mapper().readTree(json);
        assertThat(written.get("cost").decimalValue()).isEqualByComparingTo("0.00188512");
        assertThat(written.get("cost").decimalValue().toPlainString()).isEqualTo("0.00188512");
    }

    @Test
    void figuresNoDoubleCanHoldSurviveTheRoundTripDigitForDigit() throws Exception {
        // 0.1 + 0.2 is the classic; these have more significant digits than a double's 15-17
        for (String cost : List.of("0.1", "0.3", "12345678901234.0123456789", "-0.0000000001", "0")) {
            ObjectNode usage = UsageExamples.json(UsageExamples.DATA);
            usage.set("cost", Json.mapper().readTree(cost));
            ((ObjectNode) usage.get("volume")).set("total", Json.mapper().readTree("999999999999.999999"));

            UsageRecord decoded = throughAvro(read(usage));
            JsonNode written = Json.mapper().readTree(Json.mapper().writeValueAsString(new UsageRecordWriter().write(decoded)));

            assertThat(written.get("cost").decimalValue().toPlainString()).as(cost).isEqualTo(new BigDecimal(cost).toPlainString());
            assertThat(written.get("volume").get("total").decimalValue().toPlainString()).isEqualTo("999999999999.999999");
        }
    }

    @Test
    void costAndVolumesAreAvroDecimalsNeverFloatingPoint() {
        Schema schema = UsageRecord.getClassSchema();

        Schema cost = nonNull(schema.getField("cost").schema());
        Schema total = nonNull(nonNull(schema.getField("volume").schema()).getField("total").schema());

        assertThat(cost.getType()).isEqualTo(Schema.Type.BYTES);
        assertThat(cost.getLogicalType()).isEqualTo(LogicalTypes.decimal(24, 10));
        assertThat(total.getType()).isEqualTo(Schema.Type.BYTES);
        assertThat(total.getLogicalType()).isEqualTo(LogicalTypes.decimal(24, 6));
        assertThat(UsageRecordReader.COST_SCALE).isEqualTo(10);
        assertThat(UsageRecordReader.VOLUME_SCALE).isEqualTo(6);
        assertThat(schema.toString()).doesNotContain("\"double\"", "\"float\"");
    }

    @Test
    void theRegisteredSchemaIsThePublishedOneWithItsDecimals() {
        throughAvro(read(UsageExamples.json(UsageExamples.DATA)));

        String registered = registry.latest(AvroSerdes.valueSubject(topic.name())).schema().toString();

        assertThat(registered).contains("\"logicalType\":\"decimal\"", "\"scale\":10", "\"scale\":6");
    }

    @Test
    void theSchemaFleetstreamRegistersIsExactlyThePublishedAvsc() throws Exception {
        Schema avsc = new Schema.Parser().parse(Files.readString(Path.of("src/main/avro/UsageRecord.avsc")));

        assertThat(SchemaRegistryState.canonicalText(PublishedSchema.of(UsageRecord.getClassSchema())))
                .isEqualTo(SchemaRegistryState.canonicalText(avsc));
    }

    private static Schema nonNull(Schema union) {
        return union.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }
}
