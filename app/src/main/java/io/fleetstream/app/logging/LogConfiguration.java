package io.fleetstream.app.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.StatusPrinter2;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How fleetstream logs: the console format, the level of fleetstream's own loggers, and for {@code local} the file
 * that takes the libraries' logs.
 *
 * <p>Why a reconfiguration rather than a system property: Logback configures itself from {@code logback.xml} the first
 * time any class asks for a logger, and picocli instantiates the commands (some of which may hold a static logger)
 * before the options that choose the format are parsed. So {@link io.fleetstream.app.Main} parses the command line
 * first, then {@link #apply()} resets Logback's context and configures it again from {@code logback.xml} (the roles)
 * or {@code logback-local.xml} ({@code local}), with the choices as context properties. Nothing has logged by then;
 * loggers already handed out keep working, since they belong to the context, which stays. The XML files stay the one
 * place that says what goes where; this class only picks the file and fills in its properties.
 *
 * @param format        how console lines look
 * @param level         the level of the {@code io.fleetstream} loggers (libraries stay at their own, quieter, levels)
 * @param internalsFile for {@code local}: where everything that is not fleetstream's goes (the console keeps
 *                      fleetstream's lines and any ERROR); empty for the roles, which log everything to the console
 */
public record LogConfiguration(LogFormat format, LogLevel level, Optional<Path> internalsFile) {

    /** Logback's own system property naming a configuration file; when set, fleetstream's choice steps aside. */
    static final String LOGBACK_CONFIGURATION_FILE = "logback.configurationFile";

    /** The console's format as last applied; text when nothing was (a run that did not start in {@code Main}). */
    private static volatile LogFormat consoleFormat = LogFormat.TEXT;

    /**
     * Whether the console takes JSON lines: what a command prints for people (local's banner) goes through the
     * logger then, so that every console line parses.
     */
    public static boolean jsonConsole() {
        return consoleFormat == LogFormat.JSON;
    }

    /** The file {@code local} writes the libraries' logs to, under its data directory. */
    public static Path localFile(Path dataDir) {
        return dataDir.resolve("logs").resolve("local.log");
    }

    public LogConfiguration {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(internalsFile, "internalsFile");
    }

    /** Text or JSON lines on the console. */
    public enum LogFormat {
        /** {@code 12:00:00.000 INFO  [thread] logger - message}: for people. */
        TEXT,
        /**
         * One JSON object per line, for Loki or Elasticsearch: {@code @timestamp}, {@code level}, {@code logger},
         * {@code thread}, {@code message}, the event's key-values as fields ({@link io.fleetstream.schemas.LogFields}),
         * {@code stack_trace} as one field.
         */
        JSON
    }

    /** The levels {@code --log-level} takes. */
    public enum LogLevel { TRACE, DEBUG, INFO, WARN, ERROR }

    /**
     * Replaces Logback's configuration with this one, unless a configuration file was named with
     * {@code -Dlogback.configurationFile=...}: Logback has read that one, and whoever named it wants exactly it.
     */
    public void apply() {
        consoleFormat = format;
        if (System.getProperty(LOGBACK_CONFIGURATION_FILE) != null) {
            return;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            // another SLF4J binding (an embedding application's): leave its logging alone
            return;
        }
        URL resource = LogConfiguration.class.getResource(internalsFile.isPresent() ? "/logback-local.xml" : "/logback.xml");
        if (resource == null) {
            throw new IllegalStateException("logback configuration missing from the class path");
        }
        internalsFile.ifPresent(LogConfiguration::createParent);
        context.reset();
        context.getStatusManager().clear();
        context.putProperty("fleetstream.log.format", format.name().toLowerCase(Locale.ROOT));
        context.putProperty("fleetstream.log.level", level.name());
        internalsFile.ifPresent(file -> context.putProperty("fleetstream.log.file", file.toAbsolutePath().toString()));
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(resource);
        } catch (JoranException e) {
            // Logback has recorded what was wrong; printed below
        }
        // a broken configuration would otherwise lose every line silently
        if (context.getStatusManager().getCopyOfStatusList().stream().anyMatch(s -> s.getLevel() >= Status.WARN)) {
            new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
        }
    }

    private static void createParent(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log directory " + file.toAbsolutePath().getParent()
                    + ": choose another --data-dir", e);
        }
    }
}
