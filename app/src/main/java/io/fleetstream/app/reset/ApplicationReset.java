package io.fleetstream.app.reset;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes a Kafka Streams application start over from its input: its internal topics, its consumer group (and with
 * it the committed offsets; Kafka Streams reads a partition without one from the earliest offset) and its local
 * state are deleted. It refuses while any instance of the application is running, because a running instance
 * would recreate what was deleted from its own state.
 */
public final class ApplicationReset {

    private final Admin admin;
    private final Duration timeout;

    public ApplicationReset(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** What a reset would delete; nothing is deleted. */
    public ResetPlan plan(String applicationId, Path stateDir) {
        Optional<GroupListing> group = await(admin.listGroups().all(), "list the consumer groups").stream()
                .filter(listing -> listing.groupId().equals(applicationId))
                .findFirst();
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (group.isPresent()) {
            refuseIfActive(applicationId, group.get());
            Map<TopicPartition, OffsetAndMetadata> committed = await(admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata(), "read the committed offsets of group " + applicationId);
            committed.forEach((partition, offset) -> {
                if (offset != null) {
                    offsets.put(partition, offset.offset());
                }
            });
        }
        List<String> internal = await(admin.listTopics(new ListTopicsOptions().listInternal(false)).names(),
                "list the topics").stream()
                .filter(topic -> isInternalTopicOf(applicationId, topic))
                .sorted()
                .toList();
        LocalState state = LocalState.of(stateDir, applicationId);
        return new ResetPlan(applicationId, internal, group.isPresent(), offsets,
                state.exists() ? Optional.of(state) : Optional.empty());
    }

    /**
     * Deletes what the plan lists. The group goes first: the broker refuses to delete a group with members, so an
     * instance started since the plan was made stops the reset before anything else is gone.
     */
    public void execute(ResetPlan plan) {
        String applicationId = plan.applicationId();
        if (plan.groupExists()) {
            try {
                await(admin.deleteConsumerGroups(List.of(applicationId)).all(), "delete the consumer group " + applicationId);
            } catch (IllegalStateException e) {
                if (e.getCause() instanceof GroupNotEmptyException) {
                    throw activeInstances(applicationId, "some");
                }
                throw e;
            }
        }
        if (!plan.internalTopics().isEmpty()) {
            await(admin.deleteTopics(plan.internalTopics()).all(), "delete the internal topics of " + applicationId);
        }
        plan.localState().ifPresent(LocalState::delete);
    }

    /**
     * Kafka Streams names its internal topics {@code <application id>-<store or operator>-changelog} and
     * {@code ...-repartition}. An application id that extends this one ({@code fleetstream-eu} beside
     * {@code fleetstream}) would match too: give applications ids that are not prefixes of one another.
     */
    static boolean isInternalTopicOf(String applicationId, String topic) {
        return topic.startsWith(applicationId + "-") && (topic.endsWith("-changelog") || topic.endsWith("-repartition"));
    }

    private void refuseIfActive(String applicationId, GroupListing group) {
        if (group.type().orElse(GroupType.CLASSIC) == GroupType.STREAMS) {
            int members = await(admin.describeStreamsGroups(List.of(applicationId)).describedGroups().get(applicationId),
                    "describe group " + applicationId).members().size();
            if (members > 0) {
                throw activeInstances(applicationId, String.valueOf(members));
            }
            throw new IllegalStateException("group " + applicationId + " uses Kafka's streams rebalance protocol, which "
                    + "fleetstream reset does not handle: use kafka-streams-groups.sh --delete and delete its internal "
                    + "topics by hand");
        }
        Collection<MemberDescription> members = await(admin.describeConsumerGroups(List.of(applicationId))
                .describedGroups().get(applicationId), "describe group " + applicationId).members();
        if (!members.isEmpty()) {
            throw activeInstances(applicationId, members.size() + " (" + String.join(", ", members.stream()
                    .map(m -> m.clientId() + " on " + m.host()).sorted().toList()) + ")");
        }
    }

    private static IllegalStateException activeInstances(String applicationId, String members) {
        return new IllegalStateException("application " + applicationId + " is running: its consumer group has "
                + members + " active members. Stop every topology instance with --application-id " + applicationId
                + " and try again (an instance that crashed leaves the group after session.timeout.ms, 45 s by default)");
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not " + what + " within " + timeout.toSeconds()
                    + " s: is Kafka reachable at the bootstrap servers given?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }
}
