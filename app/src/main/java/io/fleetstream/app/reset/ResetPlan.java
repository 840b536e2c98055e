package io.fleetstream.app.reset;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a reset of one application id deletes, worked out before anything is deleted: {@code --dry-run} prints it,
 * a reset deletes exactly this.
 *
 * @param internalTopics   Kafka Streams' changelog and repartition topics of the application
 * @param committedOffsets the consumer group's committed offsets (empty if it has none); deleting the group makes a
 *                         restarted application read its input topics from the earliest offset
 * @param groupExists      whether the consumer group named after the application id exists
 * @param localState       the application's state directory on this machine, if it is there
 */
public record ResetPlan(String applicationId, List<String> internalTopics, boolean groupExists,
                        Map<TopicPartition, Long> committedOffsets, Optional<LocalState> localState) {

    public ResetPlan {
        Objects.requireNonNull(applicationId, "applicationId");
        internalTopics = List.copyOf(internalTopics);
        committedOffsets = Map.copyOf(committedOffsets);
        Objects.requireNonNull(localState, "localState");
    }

    public boolean isEmpty() {
        return internalTopics.isEmpty() && !groupExists && localState.isEmpty();
    }

    /** One line per thing to delete, for an operator to read. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (String topic : internalTopics) {
            lines.add("topic " + topic);
        }
        if (groupExists) {
            lines.add("consumer group " + applicationId + " (its committed offsets, so the input is read from the earliest)");
            committedOffsets.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey((a, b) -> a.topic().equals(b.topic())
                            ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic())))
                    .forEach(e -> lines.add("  offset " + e.getKey() + " at " + e.getValue()));
        }
        localState.ifPresent(state -> lines.add("local state " + state.directory()));
        return lines;
    }
}
