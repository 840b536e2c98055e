package io.fleetstream.app.cli;

import io.fleetstream.app.topology.TopologyService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.time.Duration;
import java.util.concurrent.Callable;

/** The topology role against a real cluster and registry. */
@Command(name = "topology", mixinStandardHelpOptions = true,
        description = "Run the Kafka Streams topology (dedupe, category topics, device and quota state) and its query API.")
public final class TopologyCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TopologyOptions topology;

    @Override
    public Integer call() throws Exception {
        kafka.createTopicsIfAsked();
        TopologyService.Settings settings = settings();
        ShutdownSignal shutdown = ShutdownSignal.install();
        try (TopologyService service = TopologyService.start(settings)) {
            // stop on a signal, or when Kafka Streams stops by itself (a fatal error: exit non-zero)
            while (!shutdown.await(Duration.ofSeconds(1))) {
                if (service.stopped()) {
                    return 1;
                }
            }
            return 0;
        } finally {
            shutdown.closed();
        }
    }

    TopologyService.Settings settings() {
        return topology.instanceSettings(kafka.topics(), ApplicationOptions.DEFAULT_STATE_DIR, null, kafka.replicationFactor)
                .on(kafka.connection());
    }
}
