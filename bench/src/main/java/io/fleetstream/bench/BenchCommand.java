package io.fleetstream.bench;

import io.fleetstream.app.cli.EnvironmentDefaults;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Measures and prints; it asserts nothing. Figures depend on the machine: compare runs on one machine.
 * The main class of {@code fleetstream-bench.jar}, kept out of the production jar because the device-state
 * benchmark needs Kafka's test utilities.
 */
@Command(name = "fleetstream-bench", mixinStandardHelpOptions = true, version = "fleetstream-bench 0.1.0",
        description = "Measure the ingest reader, the topology and the device-state processor; prints figures.")
public final class BenchCommand implements Callable<Integer> {

    enum Scenario { ALL, READER, TOPOLOGY, DEVICES }

    @Option(names = "--scenario", defaultValue = "all", description = "all, reader, topology or devices (default: ${DEFAULT-VALUE})")
    Scenario scenario;

    @Option(names = "--events", defaultValue = "200000", description = "events for the reader and topology benchmarks (default: ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--devices", defaultValue = "1000000", description = "devices for the device-state benchmark (default: ${DEFAULT-VALUE})")
    int devices;

    @Option(names = "--work-dir", description = "where RocksDB state goes (default: a temporary directory, deleted afterwards)")
    Path workDir;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new BenchCommand())
                .setDefaultValueProvider(new EnvironmentDefaults(System.getenv()))
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws Exception {
        Path dir = workDir != null ? workDir : Files.createTempDirectory("fleetstream-bench");
        BenchReport report = new BenchReport(System.out);
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "fleetstream bench: %d cores, max heap %,d MB, Java %s%n", rt.availableProcessors(),
                rt.maxMemory() / (1024 * 1024), System.getProperty("java.version"));
        try {
            if (scenario == Scenario.ALL || scenario == Scenario.READER) {
                ReaderBench.run(report, events);
            }
            if (scenario == Scenario.ALL || scenario == Scenario.TOPOLOGY) {
                TopologyBench.run(report, events, dir, "at_least_once");
                TopologyBench.run(report, events, dir, "exactly_once_v2");
            }
            if (scenario == Scenario.ALL || scenario == Scenario.DEVICES) {
                new DeviceStateBench().run(report, devices, dir);
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
