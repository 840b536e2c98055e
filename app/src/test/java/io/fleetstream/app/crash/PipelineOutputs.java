package io.fleetstream.app.crash;

import io.fleetstream.app.testing.TopicReader;
import io.fleetstream.avro.DeadLetter;
import io.fleetstream.avro.DeviceState;
import io.fleetstream.avro.EmnifyEvent;
import io.fleetstream.avro.PresenceChange;
import io.fleetstream.avro.QuotaManagementState;
import io.fleetstream.avro.QuotaState;
import io.fleetstream.schemas.Topics;
import io.fleetstream.schemas.catalog.EventCategory;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything one run of the topology wrote, as a downstream consumer reads it ({@code read_committed}), in the shape
 * in which two runs of the same events must agree exactly:
 * <ul>
 *   <li>presence, device state, quota state and quota management: per key, the values in the order they were written
 *       (a key lives on one partition, so offset order is the order the topology emitted them);</li>
 *   <li>each category topic: how many times each event id is in it (the order across devices depends on nothing
 *       the events say);</li>
 *   <li>dead letters: how many (their {@code time} is when they were written).</li>
 * </ul>
 * Every value compared is a function of the events: the schemas carry event times and event ids, no processing time.
 */
record PipelineOutputs(Map<String, List<PresenceChange>> presence, Map<String, List<DeviceState>> deviceStates,
                       Map<String, List<QuotaState>> quotaStates, Map<String, List<QuotaManagementState>> quotaManagement,
                       Map<EventCategory, Map<Long, Integer>> categories, int deadLetters) {

    static PipelineOutputs read(TopicReader reader, Topics topics) {
        Map<EventCategory, Map<Long, Integer>> categories = new TreeMap<>();
        for (EventCategory category : EventCategory.values()) {
            Map<Long, Integer> ids = new TreeMap<>();
            for (EmnifyEvent event : reader.values(topics.category(category), EmnifyEvent.class)) {
                ids.merge(event.getId(), 1, Integer::sum);
            }
            categories.put(category, ids);
        }
        return new PipelineOutputs(byKey(reader, topics.devicePresence(), PresenceChange.class),
                byKey(reader, topics.deviceState(), DeviceState.class),
                byKey(reader, topics.quotaState(), QuotaState.class),
                byKey(reader, topics.quotaManagement(), QuotaManagementState.class),
                categories, reader.values(topics.deadLetters(), DeadLetter.class).size());
    }

    private static <V extends SpecificRecord> Map<String, List<V>> byKey(TopicReader reader, String topic, Class<V> type) {
        List<TopicReader.Read<V>> records = new ArrayList<>(reader.readAll(topic, type));
        records.sort(Comparator.comparingInt((TopicReader.Read<V> r) -> r.partition()).thenComparingLong(TopicReader.Read::offset));
        Map<String, List<V>> byKey = new TreeMap<>();
        for (TopicReader.Read<V> r : records) {
            byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
        }
        return byKey;
    }

    int records(Map<String, ? extends List<?>> byKey) {
        return byKey.values().stream().mapToInt(List::size).sum();
    }

    int categoryRecords() {
        return categories.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).sum();
    }

    /** Records on every output topic. */
    int total() {
        return records(presence) + records(deviceStates) + records(quotaStates) + records(quotaManagement)
                + categoryRecords() + deadLetters;
    }

    String summary() {
        return String.format("%,d presence changes, %,d device states, %,d quota states, %,d quota management states "
                        + "(%,d devices, %,d with quota); %,d category records; %d dead letters",
                records(presence), records(deviceStates), records(quotaStates), records(quotaManagement),
                deviceStates.size(), quotaStates.size(), categoryRecords(), deadLetters);
    }

    /** Where {@code actual} differs from this run, topic by topic and key by key; empty when it does not. */
    List<String> differencesFrom(PipelineOutputs actual) {
        List<String> out = new ArrayList<>();
        compareByKey("device.presence", presence, actual.presence, out);
        compareByKey("device.state", deviceStates, actual.deviceStates, out);
        compareByKey("quota.state", quotaStates, actual.quotaStates, out);
        compareByKey("quota.management", quotaManagement, actual.quotaManagement, out);
        for (EventCategory category : EventCategory.values()) {
            compareCounts("events." + category.slug(), categories.get(category), actual.categories.get(category), out);
        }
        if (deadLetters != actual.deadLetters) {
            out.add("events.dlq: " + deadLetters + " dead letters expected, " + actual.deadLetters + " written");
        }
        return out;
    }

    private static <V> void compareByKey(String topic, Map<String, List<V>> expected, Map<String, List<V>> actual,
                                         List<String> out) {
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            List<V> want = expected.getOrDefault(key, List.of());
            List<V> got = actual.getOrDefault(key, List.of());
            if (want.equals(got)) {
                continue;
            }
            int at = 0;
            while (at < want.size() && at < got.size() && Objects.equals(want.get(at), got.get(at))) {
                at++;
            }
            out.add(String.format("%s key %s: %d records expected, %d written; first difference at #%d: expected %s, "
                            + "written %s", topic, key, want.size(), got.size(), at,
                    at < want.size() ? want.get(at) : "(nothing)", at < got.size() ? got.get(at) : "(nothing)"));
        }
    }

    private static void compareCounts(String topic, Map<Long, Integer> expected, Map<Long, Integer> actual,
                                      List<String> out) {
        TreeSet<Long> ids = new TreeSet<>(expected.keySet());
        ids.addAll(actual.keySet());
        int lost = 0;
        int duplicated = 0;
        int extra = 0;
        List<String> examples = new ArrayList<>();
        for (long id : ids) {
            int want = expected.getOrDefault(id, 0);
            int got = actual.getOrDefault(id, 0);
            if (want == got) {
                continue;
            }
            if (got < want) {
                lost++;
            } else if (want == 0) {
                extra++;
            } else {
                duplicated++;
            }
            if (examples.size() < 5) {
                examples.add("event " + id + " " + want + "x expected, " + got + "x written");
            }
        }
        if (lost + duplicated + extra > 0) {
            out.add(String.format("%s: %d events lost, %d more often than expected, %d unexpected (%s)", topic, lost,
                    duplicated, extra, String.join("; ", examples)));
        }
    }
}
