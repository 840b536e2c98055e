package io.fleetstream.topology.quota;

import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.emnify.EventKeys;
import io.fleetstream.topology.routing.ReceivedEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin adapter around {@link QuotaManagementLedger}: one {@link QuotaManagementState} per
 * organisation, emitted on the management topic keyed by organisation id.
 *
 * <p>The store is keyed {@code org-<organisation id>}, the key ingest gives events without an
 * endpoint. All of an organisation's management events therefore arrive on this task without a
 * repartition, and a query finds the owning instance with {@code queryMetadataForKey} on the store
 * key itself; a store keyed by the bare organisation id would hash to another partition and send
 * such a query to the wrong instance.
 */
public final class QuotaManagementProcessor implements Processor<String, ReceivedEvent, String, QuotaManagementState> {

    /** {@code org-<organisation id>} → {@link QuotaManagementState}. */
    public static final String MANAGEMENT_STORE = "quota-management";
    private static final Logger log = LoggerFactory.getLogger(QuotaManagementProcessor.class);

    private final QuotaManagementLedger ledger = new QuotaManagementLedger();
    private final String managementChild;
    private ProcessorContext<String, QuotaManagementState> context;
    private KeyValueStore<String, QuotaManagementState> states;

    public QuotaManagementProcessor(String managementChild) {
        this.managementChild = managementChild;
    }

    /** The store key of an organisation: the key its endpoint-less events carry ({@link EventKeys#ofOrganisation}). */
    public static String storeKey(long organisationId) {
        return EventKeys.ofOrganisation(organisationId);
    }

    @Override
    public void init(ProcessorContext<String, QuotaManagementState> context) {
        this.context = context;
        this.states = context.getStateStore(MANAGEMENT_STORE);
    }

    @Override
    public void process(Record<String, ReceivedEvent> record) {
        EmnifyEvent event = record.value().event();
        if (!QuotaManagementLedger.isRelevant(event)) {
            return;
        }
        long organisationId = event.getOrganisation().getId();
        String key = storeKey(organisationId);
        if (!key.equals(record.key())) {
            // emnify documents these events without an endpoint; one keyed otherwise sits on another
            // partition than the organisation's entry, so another task may hold a diverging copy
            log.atWarn().addKeyValue(LogFields.EVENT_ID, event.getId()).addKeyValue(LogFields.ORGANISATION_ID, organisationId)
                    .addKeyValue(LogFields.RECORD_KEY, record.key()).addKeyValue(LogFields.EVENT_TYPE, event.getEventType().getId())
                    .log("quota management event {} of organisation {} arrived with key '{}' instead of '{}'; "
                    + "it is applied, but the organisation's entry may now differ between partitions: "
                    + "check how ingest keys events of type {}", event.getId(), organisationId, record.key(), key,
                    event.getEventType().getId());
        }
        QuotaManagementLedger.Outcome outcome = ledger.apply(states.get(key), event);
        if (outcome.changed()) {
            states.put(key, outcome.state());
            context.forward(new Record<>(Long.toString(organisationId), outcome.state(), record.timestamp()),
                    managementChild);
        }
    }
}
