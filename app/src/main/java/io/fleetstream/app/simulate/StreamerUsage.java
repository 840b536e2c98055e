package io.fleetstream.app.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.emnify.EmnifyTimestamps;
import io.fleetstream.schemas.json.Json;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Writes usage records in the shape a Data Streamer of type usage delivers them (see the example in the
 * README's "Usage records"). Data (traffic type 5): the session's {@code session_id}, volume in MB with
 * 6 decimals and the cost in EUR, which is the volume times the operator's tariff rate and therefore
 * exact to 10 decimals. SMS (traffic type 6): one record per message, sent by the device, so its volume
 * is {@code total 1, rx 0, tx 1} (counted in messages, not MB), it starts and ends when the SMS was sent,
 * costs the operator's SMS rate and has no {@code session_id}. Every record gets the next id of its own
 * sequence, so ids increase in the order records are written.
 */
final class StreamerUsage {

    /** Decimals of a record's cost: 6 of the volume plus 4 of the rate, so no rounding ever happens. */
    static final int COST_SCALE = 10;

    private final EventIdSequence ids;

    StreamerUsage(EventIdSequence ids) {
        this.ids = ids;
    }

    /** The simulated tariff: EUR per MB of data on this operator's network, 4 decimals. */
    static BigDecimal dataRatePerMegabyte(MobileOperator operator) {
        return switch ((int) operator.id()) {
            case 3 -> new BigDecimal("0.0095");
            case 2 -> new BigDecimal("0.0090");
            case 24 -> new BigDecimal("0.0120");
            case 129 -> new BigDecimal("0.0150");
            case 15 -> new BigDecimal("0.0110");
            default -> new BigDecimal("0.0100");
        };
    }

    /** The simulated tariff: EUR per SMS sent on this operator's network, 4 decimals. */
    static BigDecimal smsRate(MobileOperator operator) {
        return switch ((int) operator.id()) {
            case 3 -> new BigDecimal("0.0500");
            case 2 -> new BigDecimal("0.0450");
            case 24 -> new BigDecimal("0.0600");
            case 129 -> new BigDecimal("0.0800");
            case 15 -> new BigDecimal("0.0550");
            default -> new BigDecimal("0.0500");
        };
    }

    /** The cost of {@code megabytes} on this operator, exact. */
    static BigDecimal cost(MobileOperator operator, BigDecimal megabytes) {
        return megabytes.multiply(dataRatePerMegabyte(operator)).setScale(COST_SCALE);
    }

    ObjectNode data(UsageSlice slice) {
        BigDecimal total = slice.rx().add(slice.tx());
        ObjectNode record = record(slice.device(), cost(slice.device().network(), total), 5, "Data",
                slice.session().tariffId(), slice.session().ratezoneId(), total, slice.rx(), slice.tx(),
                slice.start(), slice.end());
        record.put("session_id", slice.session().sessionId());
        return record;
    }

    ObjectNode sms(SmsMessage sms) {
        return record(sms.device(), smsRate(sms.device().network()).setScale(COST_SCALE), 6, "SMS", sms.tariffId(),
                sms.ratezoneId(), BigDecimal.ONE, BigDecimal.ZERO, BigDecimal.ONE, sms.at(), sms.at());
    }

    private ObjectNode record(SimulatedDevice device, BigDecimal cost, int trafficTypeId, String trafficTypeName,
                              long tariffId, long ratezoneId, BigDecimal total, BigDecimal rx, BigDecimal tx,
                              long start, long end) {
        MobileOperator operator = device.network();
        ObjectNode record = Json.mapper().createObjectNode();
        record.put("cost", cost);
        record.put("id", ids.next());
        ObjectNode op = record.putObject("operator");
        op.put("id", operator.id());
        op.put("name", operator.name());
        op.put("mnc", operator.mnc());
        ObjectNode country = op.putObject("country");
        country.put("id", operator.country().id());
        country.put("mcc", operator.country().mcc());
        country.put("name", operator.country().name());
        ObjectNode organisation = record.putObject("organisation");
        organisation.put("id", device.organisation().id());
        organisation.put("name", device.organisation().name());
        ObjectNode tariff = record.putObject("tariff");
        tariff.put("id", tariffId);
        tariff.put("name", "Simulated Data Plan " + tariffId);
        ObjectNode ratezone = tariff.putObject("ratezone");
        ratezone.put("id", ratezoneId);
        ratezone.put("name", "Zone " + ratezoneId);
        ObjectNode trafficType = record.putObject("traffic_type");
        trafficType.put("id", trafficTypeId);
        trafficType.put("description", trafficTypeName);
        ObjectNode endpoint = record.putObject("endpoint");
        endpoint.put("id", device.endpointId());
        endpoint.put("name", device.name());
        endpoint.put("ip_address", device.ipAddress());
        endpoint.put("tags", device.tags());
        endpoint.put("imei", device.imei());
        endpoint.putNull("balance");
        record.put("imsi", device.imsi().imsi());
        ObjectNode volume = record.putObject("volume");
        volume.put("total", total);
        volume.put("rx", rx);
        volume.put("tx", tx);
        record.put("start_timestamp", EmnifyTimestamps.format(Instant.ofEpochMilli(start)));
        ObjectNode sim = record.putObject("sim");
        sim.put("id", device.sim().id());
        sim.put("iccid", device.sim().iccid());
        sim.put("msisdn", device.sim().msisdn());
        sim.put("production_date", EmnifyTimestamps.format(device.sim().productionDate()));
        ObjectNode currency = record.putObject("currency");
        currency.put("id", 1);
        currency.put("code", "EUR");
        currency.put("symbol", "€");
        record.put("end_timestamp", EmnifyTimestamps.format(Instant.ofEpochMilli(end)));
        record.put("imsi_id", device.imsi().id());
        return record;
    }
}
