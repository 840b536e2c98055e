package io.fleetstream.app.cli;

import io.fleetstream.app.local.LocalStack;
import io.fleetstream.app.local.LocalStatus;
import io.fleetstream.app.logging.LogConfiguration;
import io.fleetstream.app.simulate.CarrierOutage;
import io.fleetstream.app.simulate.DeliveryListener;
import io.fleetstream.app.simulate.Simulator;
import io.fleetstream.app.simulate.SimulatorConfig;
import io.fleetstream.ingest.poller.PollerConfig;
import io.fleetstream.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Everything in one JVM, for a laptop: broker, registry, topology, ingest, optional simulated traffic, and the emnify
 * REST API poller when a token is given.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run an embedded Kafka broker and Schema Registry, ingest and topology in one JVM.")
public final class LocalCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(LocalCommand.class);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "./data",
            description = "where Kafka, the registry and Kafka Streams keep their data; survives restarts (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "port of the embedded broker (default: ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "port of the embedded Schema Registry (default: ${DEFAULT-VALUE})")
    int registryPort;

    @Option(names = "--topic-prefix", defaultValue = Topics.DEFAULT_PREFIX, description = "prefix of every topic name (default: ${DEFAULT-VALUE})")
    String topicPrefix;

    @Option(names = "--partitions", defaultValue = "3", description = "partitions per topic (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--simulate", defaultValue = "0", paramLabel = "DEVICES",
            description = "also simulate this many devices posting Data Streamer batches to the webhook, events to "
                    + "/v1/events and their sessions' data usage records to /v1/usage (default: none)")
    int simulatedDevices;

    @Option(names = "--speed", defaultValue = "10",
            description = "simulated seconds per real second; 10 makes the 5-minute offline window last 30 s (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the simulated traffic (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--outage", paramLabel = "OUTAGE", converter = OutageConverter.class,
            description = "with --simulate, play a carrier outage: a share of one operator's devices lose their data sessions together "
                    + "and reconnect after it, e.g. operator=Vodafone,share=0.6,after=10m,duration=10m (operator: "
                    + "name or id; defaults: share 0.6, after 10m of simulated time, duration 10m, which is longer than "
                    + "the 5-minute offline window so the devices go offline)")
    CarrierOutage outage;

    @Option(names = "--status-interval", defaultValue = "5s", converter = StatusIntervalConverter.class,
            paramLabel = "DURATION",
            description = "print a status line this often: 'status: in <events/s> events/s, out <n> category records, "
                    + "devices <n> online / <n> offline, dlq <n>, lag <records>' ('-' where not known yet); 0 for none. "
                    + "Kafka's, Kafka Streams', RocksDB's and Jetty's own logs go to <data-dir>/logs/local.log, the "
                    + "console keeps fleetstream's (default: ${DEFAULT-VALUE})")
    Duration statusInterval;

    @Mixin
    WebhookOptions webhook;

    @Mixin
    TopologyOptions topology;

    @Mixin
    PollerOptions poller;

    @Override
    public Integer call() throws Exception {
        if (outage != null && simulatedDevices <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--outage plays an outage in the simulated traffic: give --simulate <devices> too");
        }
        LocalStack.Settings settings = settings(Clock.systemUTC());
        ShutdownSignal shutdown = ShutdownSignal.install();
        try (LocalStack stack = LocalStack.start(settings);
             LocalStatus status = LocalStatus.start(statusInterval, stack.ingestMeters(), stack.topology().meters())) {
            printBanner(stack, settings);
            Simulator simulator = null;
            if (simulatedDevices > 0) {
                SimulatorConfig config = SimulatorConfig.defaults(
                        URI.create("http://localhost:" + stack.ingestPort() + "/v1/events"), simulatedDevices, seed)
                        .withSpeed(speed);
                config = webhook.authorizationHeader().map(config::withAuthorization).orElse(config);
                if (outage != null) {
                    config = config.withTraffic(config.traffic().withOutage(outage));
                    if (outage.duration().compareTo(topology.offlineWindow) <= 0) {
                        log.warn("the outage lasts {}, not longer than the offline window ({}): its devices reconnect "
                                + "before they count as offline, so no incident opens", outage.duration(), topology.offlineWindow);
                    }
                }
                simulator = new Simulator(config, DeliveryListener.NONE);
                simulator.start();
                log.info("simulator: {} devices at {}x speed posting to the webhook", simulatedDevices, speed);
            }
            try {
                // stop on a signal, or when the topology stops by itself (a fatal error: exit non-zero, as topology does)
                while (!shutdown.await(Duration.ofSeconds(1))) {
                    if (stack.topology().stopped()) {
                        System.err.println("fleetstream local: Kafka Streams stopped after a fatal error (see the log); exiting");
                        return 1;
                    }
                }
            } finally {
                if (simulator != null) {
                    simulator.close();
                }
            }
        } finally {
            shutdown.closed();
        }
        return 0;
    }

    /** Where {@code local} keeps its data; its libraries' logs are in {@link LogConfiguration#localFile} under it. */
    public Path dataDir() {
        return dataDir;
    }

    /** The stack's settings from flags and environment; every topology option is honoured as in {@code topology}. */
    LocalStack.Settings settings(Clock clock) {
        Topics topics = new Topics(topicPrefix);
        // one broker: Kafka Streams' internal topics have one replica
        return new LocalStack.Settings(dataDir, new LocalStack.Ports(kafkaPort, registryPort, webhook.port), topics,
                partitions, webhook.config(), pollerConfig(clock),
                topology.instanceSettings(topics, dataDir.resolve("streams"), LocalStack.DEFAULT_GROUP_INSTANCE_ID, 1,
                        // one instance: a standby could never be placed, and Kafka Streams would warn about it at every rebalance
                        0));
    }

    /** {@code local} polls emnify whenever a token is given; {@code --poll} alone asks for one. */
    Optional<PollerConfig> pollerConfig(Clock clock) {
        boolean tokenGiven = poller.token != null && !poller.token.isBlank();
        return poller.config(poller.poll || tokenGiven, clock);
    }

    private void printBanner(LocalStack stack, LocalStack.Settings settings) {
        Optional<PollerConfig> polling = settings.poller();
        Map<String, String> where = new LinkedHashMap<>();
        where.put("kafka", stack.bootstrapServers());
        where.put("registry", stack.registryUrl());
        where.put("ingest", "http://localhost:" + stack.ingestPort() + "/v1/events"
                + (webhook.authorizationHeader().isPresent() ? " (with the webhook credential)"
                        : " (this host only: set --webhook-token to serve others)"));
        where.put("query", "http://localhost:" + stack.queryPort() + "/v1/devices/{endpoint_id}"
                + (settings.topology().queryAccess().token().isPresent() ? " (Authorization: Bearer <query token>)"
                        : " (this host only: set --query-token to serve others)"));
        where.put("metrics", "http://localhost:" + stack.ingestPort() + "/metrics (ingest), http://localhost:"
                + stack.queryPort() + "/metrics (topology)");
        polling.ifPresent(p -> where.put("poller", p.baseUrl() + " every " + p.pollInterval() + " as poller " + p.pollerId()));
        where.put("topics", stack.topics().raw() + ", " + stack.topics().prefix() + "events.<category>, "
                + stack.topics().deadLetters() + ", " + stack.topics().deviceState() + ", "
                + stack.topics().devicePresence() + ", " + stack.topics().quotaState());
        String running = "fleetstream local is running (data in " + dataDir.toAbsolutePath().normalize() + ")";
        if (LogConfiguration.jsonConsole()) {
            // every console line parses as JSON: the banner is one log line with the addresses as fields
            LoggingEventBuilder line = log.atInfo();
            for (Map.Entry<String, String> entry : where.entrySet()) {
                line = line.addKeyValue(entry.getKey(), entry.getValue());
            }
            line.log(running);
            return;
        }
        System.out.println();
        System.out.println(running);
        where.forEach((name, value) -> System.out.printf("  %-11s %s%n", name, value));
        System.out.println("Stop with Ctrl-C.");
        System.out.println();
    }
}
