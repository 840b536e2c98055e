package io.fleetstream.topology.quota;

import io.fleetstream.avro.QuotaState;
import io.fleetstream.topology.QuotaForecasting;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Feeds the quota states (read back from the {@code quota.state} topic) into the forecast store
 * {@value QuotaForecastProcessor#STORE}: an ACTIVE data quota with a remaining volume starts or updates its device's
 * {@link QuotaBurn}; any other status (EXHAUSTED, EXPIRED, DELETED) clears it, and with it the forecast, and so does a
 * tombstone (a delete on the compacted topic, which {@link QuotaForecastTopology}'s decoder forwards). A quota change
 * writes no alert: an alert names the usage record that brought the projection inside the horizon.
 */
public final class ForecastQuotaProcessor implements Processor<String, QuotaState, Void, Void> {

    private final QuotaForecasting settings;
    private KeyValueStore<String, byte[]> burns;

    public ForecastQuotaProcessor(QuotaForecasting settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.burns = context.getStateStore(QuotaForecastProcessor.STORE);
    }

    @Override
    public void process(Record<String, QuotaState> record) {
        if (record.key() == null) {
            return;
        }
        QuotaState state = record.value();
        if (state == null || !QuotaBurn.forecastable(state.getData())) {
            burns.delete(record.key());
            return;
        }
        byte[] stored = burns.get(record.key());
        QuotaBurn burn;
        if (stored == null) {
            burn = QuotaBurn.of(state.getData(), state.getOrganisationId());
        } else {
            burn = QuotaBurn.decode(stored);
            burn.quotaChanged(state.getData(), state.getOrganisationId());
        }
        burn.reforecast(settings);
        burns.put(record.key(), burn.encode());
    }
}
