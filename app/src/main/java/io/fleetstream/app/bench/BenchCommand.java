package io.fleetstream.app.bench;

import io.fleetstream.app.cli.DurationConverter;
import io.fleetstream.app.cli.EnvironmentDefaults;
import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code fleetstream bench}: measures and prints; it asserts nothing. Each figure stands beside a ceiling measured in
 * the same run on the same data, and the ratio is what carries over between machines. The JMH microbenchmarks (the
 * reader and the device state machine, ns/event) are the {@code microbench} module's own jar.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure ingest, the topology, end-to-end latency, the query API, state size and restore, and "
                + "scale-out, each beside a ceiling measured in the same run; prints a table and writes <output>/<name>.json.")
public final class BenchCommand implements Callable<Integer> {

    enum Scenario { ALL, READER, INGEST, TOPOLOGY, LATENCY, QUERY, STATE, SCALE_OUT }

    @Option(names = "--scenario", defaultValue = "all", description = "all, reader, ingest, topology, latency, query, state or scale_out (default: ${DEFAULT-VALUE})")
    Scenario scenario;

    @Option(names = "--bootstrap-servers", description = "run on this Kafka cluster (plaintext, accepting replication "
            + "factor 1; topics and application ids get a prefix of the run) instead of a broker of the bench's own")
    String bootstrapServers;

    @Option(names = "--events", defaultValue = "1000000", description = "events in the raw topic of the topology benchmark (default: ${DEFAULT-VALUE})")
    long events;

    @Option(names = "--topology-devices", defaultValue = "100000", description = "devices those events come from (default: ${DEFAULT-VALUE})")
    int topologyDevices;

    @Option(names = "--partitions", defaultValue = "2", description = "partitions of every topic in the topology benchmark (default: ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--stream-threads", defaultValue = "1",
            description = "stream threads of both the ceiling and the topology in the topology benchmark (default: ${DEFAULT-VALUE})")
    int streamThreads;

    @Option(names = "--ceiling-passes", defaultValue = "2", description = "pass-through runs per guarantee; the best is the ceiling (default: ${DEFAULT-VALUE})")
    int ceilingPasses;

    @Option(names = "--guarantee", split = ",", defaultValue = "exactly_once_v2,at_least_once",
            description = "processing guarantees to measure the topology with (default: ${DEFAULT-VALUE})")
    List<String> guarantees;

    @Option(names = "--commit-interval", defaultValue = "1s", converter = DurationConverter.class,
            description = "commit interval of both the ceiling and the topology (default: ${DEFAULT-VALUE})")
    Duration commitInterval;

    @Option(names = "--ingest-events", defaultValue = "200000", description = "events POSTed in the ingest benchmark (default: ${DEFAULT-VALUE})")
    int ingestEvents;

    @Option(names = "--ingest-batch", defaultValue = "1000", description = "events a request in the ingest benchmark (default: ${DEFAULT-VALUE})")
    int ingestBatch;

    @Option(names = "--ingest-clients", defaultValue = "8", description = "concurrent clients in the ingest benchmark (default: ${DEFAULT-VALUE})")
    int ingestClients;

    @Option(names = "--latency-rate", defaultValue = "5000", description = "events/s posted in the latency benchmark (default: ${DEFAULT-VALUE})")
    int latencyRate;

    @Option(names = "--latency-duration", defaultValue = "20s", converter = DurationConverter.class,
            description = "how long the latency benchmark posts, per guarantee (default: ${DEFAULT-VALUE})")
    Duration latencyDuration;

    @Option(names = "--query-devices", defaultValue = "20000", description = "devices whose state the query benchmark looks up (default: ${DEFAULT-VALUE})")
    int queryDevices;

    @Option(names = "--query-clients", defaultValue = "16", description = "concurrent clients in the query benchmark (default: ${DEFAULT-VALUE})")
    int queryClients;

    @Option(names = "--query-duration", defaultValue = "10s", converter = DurationConverter.class,
            description = "how long each query measurement runs (default: ${DEFAULT-VALUE})")
    Duration queryDuration;

    @Option(names = "--reader-events", defaultValue = "100000", description = "events for the reader benchmark (default: ${DEFAULT-VALUE})")
    int readerEvents;

    @Option(names = "--state-devices", defaultValue = "1000000", description = "devices with state in the state benchmark (default: ${DEFAULT-VALUE})")
    int stateDevices;

    @Option(names = "--state-heap", defaultValue = "1g", description = "-Xmx of the topology instance in the state benchmark (default: ${DEFAULT-VALUE})")
    String stateHeap;

    @Option(names = "--scale-out-instances", split = ",", defaultValue = "1,2,4",
            description = "topology instances to run the scale-out benchmark with (default: ${DEFAULT-VALUE})")
    List<Integer> scaleOutInstances;

    @Option(names = "--scale-out-events", defaultValue = "200000", description = "events in the scale-out benchmark (default: ${DEFAULT-VALUE})")
    long scaleOutEvents;

    @Option(names = "--output", defaultValue = "target/bench", description = "where each benchmark writes <name>.json (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--work-dir", description = "where RocksDB state goes (default: a temporary directory, deleted afterwards)")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        // the figures are the output: Kafka's and the broker's own INFO lines would bury them
        for (String noisy : List.of("org.apache.kafka", "kafka", "state.change.logger", "io.fleetstream.app.registry")) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(noisy)).setLevel(Level.WARN);
        }
        Path dir = workDir != null ? workDir : Files.createTempDirectory("fleetstream-bench");
        BenchReport report = new BenchReport(System.out, output);
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "fleetstream bench: %d cores, max heap %,d MB, Java %s%n", rt.availableProcessors(),
                rt.maxMemory() / (1024 * 1024), System.getProperty("java.version"));
        try {
            if (scenario == Scenario.ALL || scenario == Scenario.READER) {
                ReaderBench.run(report, readerEvents);
            }
            if (scenario == Scenario.ALL || scenario == Scenario.INGEST) {
                IngestBench.run(report, new IngestBench.Sizes(ingestEvents, ingestBatch, ingestClients, topologyDevices,
                        partitions), dir, bootstrapServers);
            }
            if (scenario == Scenario.ALL || scenario == Scenario.TOPOLOGY) {
                TopologyBench.run(report, new TopologyBench.Sizes(events, topologyDevices, partitions, ceilingPasses,
                        guarantees, commitInterval, streamThreads), dir, bootstrapServers);
            }
            if (scenario == Scenario.ALL || scenario == Scenario.LATENCY) {
                LatencyBench.run(report, new LatencyBench.Sizes(latencyRate, 100, latencyDuration, 5_000, commitInterval), dir, bootstrapServers);
            }
            if (scenario == Scenario.ALL || scenario == Scenario.QUERY) {
                QueryBench.run(report, new QueryBench.Sizes(queryDevices, queryClients, queryDuration), dir, bootstrapServers);
            }
            if (scenario == Scenario.ALL || scenario == Scenario.STATE) {
                StateBench.run(report, new StateBench.Sizes(stateDevices, partitions, stateHeap, commitInterval), dir, bootstrapServers);
            }
            if (scenario == Scenario.ALL || scenario == Scenario.SCALE_OUT) {
                ScaleOutBench.run(report, new ScaleOutBench.Sizes(scaleOutEvents, Math.max(1, topologyDevices / 5),
                        Math.max(4, partitions), scaleOutInstances, "at_least_once", commitInterval), dir, bootstrapServers);
            }
        } finally {
            if (workDir == null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        return 0;
    }
}
