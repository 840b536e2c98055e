package io.fleetstream.topology.quota;

import io.fleetstream.avro.QuotaAlert;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.topology.QuotaForecasting;
import io.fleetstream.topology.usage.ReceivedUsage;
import io.fleetstream.topology.usage.UsageTraffic;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Thin adapter around {@link QuotaBurn} for deduplicated usage records: a data record (traffic type 5) of a device
 * whose data quota is being forecast (an entry in {@value #STORE}, kept by {@link ForecastQuotaProcessor}) burns it;
 * the forecast is computed again and, when it first falls within the horizon for the quota's assignment, a
 * {@link QuotaAlert} naming this record is forwarded. Other records (SMS, no endpoint, no volume, a device without an
 * active data quota) change nothing: they are still routed and counted by the usage nodes.
 */
public final class QuotaForecastProcessor implements Processor<String, ReceivedUsage, String, QuotaAlert> {

    /** Endpoint id → {@link QuotaBurn#encode() a burn}. */
    public static final String STORE = "quota-forecast";

    private final QuotaForecasting settings;
    private final Counter alerted;
    private ProcessorContext<String, QuotaAlert> context;
    private KeyValueStore<String, byte[]> burns;

    /** @param alerted counts the alerts forwarded (shared by every task of the instance) */
    public QuotaForecastProcessor(QuotaForecasting settings, Counter alerted) {
        this.settings = settings;
        this.alerted = alerted;
    }

    public static StoreBuilder<KeyValueStore<String, byte[]>> store() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray());
    }

    @Override
    public void init(ProcessorContext<String, QuotaAlert> context) {
        this.context = context;
        this.burns = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ReceivedUsage> record) {
        UsageRecord usage = record.value().usage();
        if (UsageTraffic.of(usage.getTrafficType().getId()) != UsageTraffic.DATA || usage.getEndpoint() == null
                || usage.getVolume() == null || usage.getVolume().getTotal() == null) {
            return;
        }
        // the store's key is the quota state's: the endpoint id, which is also how ingest keys its usage records
        String key = EventKeys.ofEndpoint(usage.getEndpoint().getId());
        byte[] stored = burns.get(key);
        if (stored == null) {
            return;
        }
        QuotaBurn burn = QuotaBurn.decode(stored);
        long until = usage.getEndTimestamp().toEpochMilli();
        long from = usage.getStartTimestamp() == null ? until : usage.getStartTimestamp().toEpochMilli();
        burn.used(from, until, usage.getVolume().getTotal().doubleValue(), settings);
        QuotaForecast forecast = burn.reforecast(settings);
        if (burn.alertDue(settings.horizon())) {
            context.forward(new Record<>(key, alert(usage, burn, forecast), record.timestamp()));
            alerted.increment();
        }
        burns.put(key, burn.encode());
    }

    private QuotaAlert alert(UsageRecord usage, QuotaBurn burn, QuotaForecast forecast) {
        Long organisation = burn.organisationId()
                .orElse(usage.getOrganisation() == null ? null : usage.getOrganisation().getId());
        return QuotaAlert.newBuilder()
                .setEndpointId(usage.getEndpoint().getId())
                .setOrganisationId(organisation)
                .setEndpointQuotaId(burn.endpointQuotaId().orElse(null))
                .setAssignedAt(burn.assignedAt().orElse(null))
                .setRemainingVolume(burn.remainingVolume())
                .setQuotaChangedAt(burn.changedAt())
                .setRemainingNowMb(forecast.remainingNowMb())
                .setBurnRateMbPerHour(forecast.burnRateMbPerHour())
                .setProjectedExhaustionAt(forecast.projectedExhaustionAt())
                .setHorizonSeconds(settings.horizon().toSeconds())
                .setBasedOnRecords(forecast.records())
                .setBasedOnFrom(forecast.from())
                .setBasedOnUntil(forecast.until())
                .setUsageRecordId(usage.getId())
                .setUsageEndTimestamp(usage.getEndTimestamp())
                .build();
    }
}
