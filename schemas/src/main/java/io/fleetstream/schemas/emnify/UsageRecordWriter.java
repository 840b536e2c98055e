package io.fleetstream.schemas.emnify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.avro.UsageCountry;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.avro.UsageVolume;
import io.fleetstream.schemas.json.Json;

import java.math.BigDecimal;

/**
 * Writes a {@link UsageRecord} back in emnify's usage record shape: snake_case keys, times in ISO-8601 UTC with
 * milliseconds, {@code cost} and volumes as exact JSON numbers without the schema's trailing zeros ({@code 0.00188512},
 * not {@code 0.0018851200}), and the {@code extra} keys merged back where they came from. Absent objects are omitted.
 * Reading the output with {@link UsageRecordReader} gives the same record again.
 */
public final class UsageRecordWriter {

    private final ObjectMapper mapper = Json.mapper();

    public ObjectNode write(UsageRecord usage) {
        ObjectNode out = mapper.createObjectNode();
        out.put("id", usage.getId());
        out.putObject("traffic_type")
                .put("id", usage.getTrafficType().getId())
                .put("description", usage.getTrafficType().getDescription());
        if (usage.getStartTimestamp() != null) {
            out.put("start_timestamp", EmnifyTimestamps.format(usage.getStartTimestamp()));
        }
        out.put("end_timestamp", EmnifyTimestamps.format(usage.getEndTimestamp()));
        if (usage.getOrganisation() != null) {
            out.putObject("organisation")
                    .put("id", usage.getOrganisation().getId())
                    .put("name", usage.getOrganisation().getName());
        }
        if (usage.getEndpoint() != null) {
            out.putObject("endpoint")
                    .put("id", usage.getEndpoint().getId())
                    .put("name", usage.getEndpoint().getName())
                    .put("ip_address", usage.getEndpoint().getIpAddress())
                    .put("imei", usage.getEndpoint().getImei())
                    .put("tags", usage.getEndpoint().getTags());
        }
        if (usage.getSim() != null) {
            out.putObject("sim")
                    .put("id", usage.getSim().getId())
                    .put("iccid", usage.getSim().getIccid())
                    .put("msisdn", usage.getSim().getMsisdn())
                    .put("production_date", usage.getSim().getProductionDate());
        }
        if (usage.getImsi() != null) {
            out.put("imsi", usage.getImsi());
        }
        if (usage.getImsiId() != null) {
            out.put("imsi_id", usage.getImsiId());
        }
        if (usage.getOperator() != null) {
            ObjectNode operator = out.putObject("operator")
                    .put("id", usage.getOperator().getId())
                    .put("name", usage.getOperator().getName())
                    .put("mnc", usage.getOperator().getMnc());
            UsageCountry country = usage.getOperator().getCountry();
            if (country != null) {
                operator.putObject("country")
                        .put("id", country.getId())
                        .put("mcc", country.getMcc())
                        .put("name", country.getName());
            }
        }
        if (usage.getTariff() != null) {
            ObjectNode tariff = out.putObject("tariff")
                    .put("id", usage.getTariff().getId())
                    .put("name", usage.getTariff().getName());
            if (usage.getTariff().getRatezone() != null) {
                tariff.putObject("ratezone")
                        .put("id", usage.getTariff().getRatezone().getId())
                        .put("name", usage.getTariff().getRatezone().getName());
            }
        }
        if (usage.getCurrency() != null) {
            out.putObject("currency")
                    .put("id", usage.getCurrency().getId())
                    .put("code", usage.getCurrency().getCode())
                    .put("symbol", usage.getCurrency().getSymbol());
        }
        if (usage.getCost() != null) {
            out.put("cost", plain(usage.getCost()));
        }
        UsageVolume volume = usage.getVolume();
        if (volume != null) {
            ObjectNode volumeNode = out.putObject("volume");
            putDecimal(volumeNode, "total", volume.getTotal());
            putDecimal(volumeNode, "rx", volume.getRx());
            putDecimal(volumeNode, "tx", volume.getTx());
        }
        if (usage.getSessionId() != null) {
            out.put("session_id", usage.getSessionId());
        }
        if (usage.getExtra() != null) {
            ExtraFields.restore(mapper, out, usage.getExtra(), "usage record " + usage.getId());
        }
        return out;
    }

    /** The decimal without the zeros its fixed scale added; written plainly by the shared mapper (never 1E+2). */
    private static BigDecimal plain(BigDecimal value) {
        return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    }

    private static void putDecimal(ObjectNode node, String field, BigDecimal value) {
        if (value != null) {
            node.put(field, plain(value));
        }
    }
}
