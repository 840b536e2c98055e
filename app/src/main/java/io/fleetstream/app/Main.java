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
import io.fleetstream.app.logging.LogConfiguration;
import io.fleetstream.app.logging.LogConfiguration.LogFormat;
import io.fleetstream.app.logging.LogConfiguration.LogLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    static final String LOG_FORMAT = "--log-format";
    static final String LOG_LEVEL = "--log-level";

    // every command takes them, before or after its name (configureLogging)
    @Option(names = LOG_FORMAT, scope = ScopeType.INHERIT, defaultValue = "text", paramLabel = "text|json",
            description = "console log lines as text for people, or as JSON lines (one object per line: @timestamp, "
                    + "level, logger, thread, message, context such as topic, partition, endpoint_id as fields, "
                    + "stack_trace) for Loki or Elasticsearch (env FLEETSTREAM_LOG_FORMAT; default: ${DEFAULT-VALUE})")
    LogFormat logFormat;

    @Option(names = LOG_LEVEL, scope = ScopeType.INHERIT, defaultValue = "INFO", paramLabel = "LEVEL",
            description = "level of fleetstream's own loggers: TRACE, DEBUG (adds one line per HTTP request), INFO, "
                    + "WARN or ERROR; Kafka's and Jetty's stay quieter (env FLEETSTREAM_LOG_LEVEL; default: ${DEFAULT-VALUE})")
    LogLevel logLevel;

    public static void main(String[] args) {
        CommandLine commandLine = commandLine();
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        System.exit(commandLine.setExecutionStrategy(parsed -> {
            configureLogging(parsed);
            return run.execute(parsed);
        }).execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setDefaultValueProvider(new EnvironmentDefaults(System.getenv()))
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * Logging as the command line asks, before the command runs (and so before anything logs): see
     * {@link LogConfiguration} for why this is a reconfiguration. {@code local} sends the libraries' logs to a file
     * under its data directory.
     */
    public static void configureLogging(ParseResult parsed) {
        List<ParseResult> chain = new ArrayList<>();
        for (ParseResult command = parsed; command != null; command = command.subcommand()) {
            chain.add(command);
        }
        LogFormat format = option(chain, LOG_FORMAT, LogFormat.TEXT);
        LogLevel level = option(chain, LOG_LEVEL, LogLevel.INFO);
        Object command = chain.get(chain.size() - 1).commandSpec().userObject();
        Optional<Path> file = command instanceof LocalCommand local
                ? Optional.of(LogConfiguration.localFile(local.dataDir())) : Optional.empty();
        new LogConfiguration(format, level, file).apply();
    }

    /**
     * An inherited option's value: as given on the command line, before or after the subcommand's name (picocli keeps
     * it on the command where it was given), else its default (the environment's or the built-in one).
     */
    private static <T> T option(List<ParseResult> chain, String name, T otherwise) {
        T value = null;
        for (ParseResult command : chain) {
            if (command.hasMatchedOption(name)) {
                value = command.matchedOptionValue(name, null);
            }
        }
        if (value == null) {
            CommandLine.Model.OptionSpec option = chain.get(chain.size() - 1).commandSpec().findOption(name);
            value = option == null ? null : option.getValue();
        }
        return value == null ? otherwise : value;
    }
}
