package io.fleetstream.app;

import io.fleetstream.app.bench.BenchCommand;
import io.fleetstream.app.cli.CleanCommand;
import io.fleetstream.app.cli.EnvironmentDefaults;
import io.fleetstream.app.cli.IngestCommand;
import io.fleetstream.app.cli.LocalCommand;
import io.fleetstream.app.cli.RegistryCommand;
import io.fleetstream.app.cli.ResetCommand;
import io.fleetstream.app.cli.SimulateCommand;
import io.fleetstream.app.cli.TopologyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * fleetstream: one binary, several roles. {@code local} runs everything in one JVM for a laptop;
 * {@code ingest} and {@code topology} are the production roles; {@code registry} serves
 * fleetstream's own Schema Registry where Confluent's is not at hand; {@code reset} and {@code clean} are for operators;
 * {@code simulate} sends simulated traffic and {@code bench} measures.
 */
@Command(name = "fleetstream", mixinStandardHelpOptions = true, version = "fleetstream 0.1.0",
        description = "emnify IoT platform events into Kafka topics, live device and quota state, and queryable history.",
        subcommands = {LocalCommand.class, IngestCommand.class, TopologyCommand.class, RegistryCommand.class, ResetCommand.class,
                CleanCommand.class, SimulateCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Every option can also be set by an environment variable: --bootstrap-servers is "
                + "FLEETSTREAM_BOOTSTRAP_SERVERS, and so on."})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setDefaultValueProvider(new EnvironmentDefaults(System.getenv()))
                .setCaseInsensitiveEnumValuesAllowed(true);
    }
}
