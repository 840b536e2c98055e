package io.fleetstream.schemas;

import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.FleetIncident;
import io.fleetstream.avro.NetworkPresence;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.QuotaAlert;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.avro.UsageRecord;
import io.fleetstream.schemas.catalog.EventCategory;
import io.fleetstream.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The pipeline's Avro topics with their serdes: the names from {@link Topics}, the value serdes from
 * {@link AvroSerdes} (Confluent wire format), and plain UTF-8 string keys, which consumers read with a
 * string deserializer ({@link io.fleetstream.schemas.emnify.EventKeys} builds them). Which record class a
 * topic carries is decided here and nowhere else.
 */
public final class TypedTopics {

    private static final Serde<String> KEYS = Serdes.String();

    private final Topics topics;
    private final AvroSerdes serdes;

    public TypedTopics(Topics topics, AvroSerdes serdes) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.serdes = Objects.requireNonNull(serdes, "serdes");
    }

    /** Every topic fleetstream writes Avro values to: raw, dead letters, the categories, device and quota state, usage. */
    public List<TypedTopic<String, ? extends SpecificRecord>> all() {
        List<TypedTopic<String, ? extends SpecificRecord>> all = new ArrayList<>();
        all.add(raw());
        all.add(deadLetters());
        for (EventCategory category : EventCategory.values()) {
            all.add(category(category));
        }
        all.add(deviceState());
        all.add(devicePresence());
        all.add(quotaState());
        all.add(quotaManagement());
        all.add(usageRaw());
        all.add(usageData());
        all.add(usageSms());
        all.add(fleetPresenceByNetwork());
        all.add(fleetIncidents());
        all.add(quotaAlerts());
        return List.copyOf(all);
    }

    private <V extends SpecificRecord> TypedTopic<String, V> avro(String name, Class<V> type) {
        return new TypedTopic<>(name, KEYS, serdes.forValue(type), type);
    }

    public Topics names() {
        return topics;
    }

    /** Normalised events from every source, before dedupe. */
    public TypedTopic<String, EmnifyEvent> raw() {
        return avro(topics.raw(), EmnifyEvent.class);
    }

    /** Records that could not be processed; written without a key. */
    public TypedTopic<String, DeadLetter> deadLetters() {
        return avro(topics.deadLetters(), DeadLetter.class);
    }

    /** Deduplicated events of one category; every category topic has the same key and value serdes. */
    public TypedTopic<String, EmnifyEvent> category(EventCategory category) {
        return avro(topics.category(category), EmnifyEvent.class);
    }

    public TypedTopic<String, DeviceState> deviceState() {
        return avro(topics.deviceState(), DeviceState.class);
    }

    public TypedTopic<String, PresenceChange> devicePresence() {
        return avro(topics.devicePresence(), PresenceChange.class);
    }

    public TypedTopic<String, QuotaState> quotaState() {
        return avro(topics.quotaState(), QuotaState.class);
    }

    public TypedTopic<String, QuotaManagementState> quotaManagement() {
        return avro(topics.quotaManagement(), QuotaManagementState.class);
    }

    /** Data quotas projected to run out within the alert horizon. */
    public TypedTopic<String, QuotaAlert> quotaAlerts() {
        return avro(topics.quotaAlerts(), QuotaAlert.class);
    }

    /** Normalised usage records, before dedupe. */
    public TypedTopic<String, UsageRecord> usageRaw() {
        return avro(topics.usageRaw(), UsageRecord.class);
    }

    /** Deduplicated data usage records. */
    public TypedTopic<String, UsageRecord> usageData() {
        return avro(topics.usageData(), UsageRecord.class);
    }

    /** Deduplicated SMS usage records. */
    public TypedTopic<String, UsageRecord> usageSms() {
        return avro(topics.usageSms(), UsageRecord.class);
    }

    /** Presence changes keyed by network group; internal, feeds the incident detector. */
    public TypedTopic<String, NetworkPresence> fleetPresenceByNetwork() {
        return avro(topics.fleetPresenceByNetwork(), NetworkPresence.class);
    }

    /** Carrier incidents as they open and resolve. */
    public TypedTopic<String, FleetIncident> fleetIncidents() {
        return avro(topics.fleetIncidents(), FleetIncident.class);
    }
}
