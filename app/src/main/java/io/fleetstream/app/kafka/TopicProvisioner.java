package io.fleetstream.app.kafka;

import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates fleetstream's topics at start-up when they are missing, with the cleanup policy each one
 * needs. Existing topics are left as they are (an operator may have tuned them) but a partition
 * count different from the raw topic's is reported: category topics keep the raw topic's keys, and
 * consumers joining them by key expect co-partitioning.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    /** Creates the missing topics; returns the names it created. */
    public List<String> ensure(List<Topics.Spec> specs, int partitions, short replicationFactor) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topics.Spec spec : specs) {
                if (!existing.contains(spec.name())) {
                    missing.add(new NewTopic(spec.name(), partitions, replicationFactor).configs(configsFor(spec)));
                }
            }
            List<String> created = new ArrayList<>();
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> result :
                    admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(30, TimeUnit.SECONDS);
                    created.add(result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            reportPartitionMismatch(specs, partitions);
            if (!created.isEmpty()) {
                log.info("created {} topics with {} partitions: {}", created.size(), partitions, created);
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list or create topics: " + e.getMessage(), e);
        }
    }

    private void reportPartitionMismatch(List<Topics.Spec> specs, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> descriptions = describe(admin, specs.stream().map(Topics.Spec::name).toList());
        descriptions.values().stream()
                .filter(d -> d.partitions().size() != partitions)
                .forEach(d -> log.atWarn().addKeyValue(LogFields.TOPIC, d.name())
                        .log("topic {} has {} partitions, fleetstream expects {}", d.name(), d.partitions().size(), partitions));
    }

    /**
     * Describes topics, waiting for ones created a moment ago: a new topic takes a moment to reach
     * the broker's metadata cache, and until then it is "unknown".
     */
    public static Map<String, TopicDescription> describe(Admin admin, Collection<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static Map<String, String> configsFor(Topics.Spec spec) {
        Map<String, String> configs = new HashMap<>();
        if (spec.cleanup() == Topics.Cleanup.COMPACT) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        return configs;
    }
}
