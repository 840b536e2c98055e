package io.fleetstream.app.registry;

import io.fleetstream.http.Health;
import io.fleetstream.http.HealthEndpoints;
import io.fleetstream.http.HttpEdge;
import io.fleetstream.schemas.registry.RegistryJournal;
import io.fleetstream.schemas.registry.SchemaRegistryState;
import io.javalin.Javalin;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * The schema registry of {@code local} mode: a Confluent-compatible REST server (see
 * {@link RegistryApi}) whose contents live in a {@link RegistryJournal}, normally the compacted
 * Kafka topic {@value KafkaRegistryJournal#DEFAULT_TOPIC}. On start it replays the journal, so
 * schema ids survive restarts; every change is stored before it is answered. Closing it stops the
 * server and closes the journal.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    public static final int DEFAULT_PORT = 8081;
    /** Loopback only: the embedded registry has no authentication. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /**
     * How {@code local} mode runs its registry.
     *
     * @param host              the interface to listen on
     * @param port              the port, 0 for any free one
     * @param bootstrapServers  the Kafka cluster keeping the journal
     * @param topic             the journal topic, created compacted with one partition when missing
     * @param replicationFactor the journal topic's replication factor when it is created
     */
    public record Config(String host, int port, String bootstrapServers, String topic, short replicationFactor) {
        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topic, "topic");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("schema registry port must be 0 (any free port) to 65535, got " + port);
            }
            if (replicationFactor < 1) {
                throw new IllegalArgumentException("schema journal replication factor must be at least 1, got " + replicationFactor);
            }
        }

        /** Port 8081 on loopback, topic {@value KafkaRegistryJournal#DEFAULT_TOPIC}, replication factor 1. */
        public static Config defaults(String bootstrapServers) {
            return new Config(DEFAULT_HOST, DEFAULT_PORT, bootstrapServers, KafkaRegistryJournal.DEFAULT_TOPIC, (short) 1);
        }

        public Config withPort(int port) {
            return new Config(host, port, bootstrapServers, topic, replicationFactor);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final Javalin server;
    private final RegistryJournal journal;
    private final String url;

    private EmbeddedSchemaRegistry(Javalin server, RegistryJournal journal, String url) {
        this.server = server;
        this.journal = journal;
        this.url = url;
    }

    /** Starts a registry journalled to the configured Kafka topic. */
    public static EmbeddedSchemaRegistry start(Config config) {
        KafkaRegistryJournal journal = KafkaRegistryJournal.open(config.bootstrapServers(), config.topic(), config.replicationFactor());
        try {
            return start(config.host(), config.port(), journal);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /** Starts a registry on the given journal, which it closes when it closes. */
    public static EmbeddedSchemaRegistry start(String host, int port, RegistryJournal journal) {
        SchemaRegistryState state = SchemaRegistryState.recover(journal);
        QueuedThreadPool threads = new QueuedThreadPool(16, 2, 60_000);
        threads.setName("schema-registry");
        Javalin server = HttpEdge.create(new HttpEdge.Config(host, port).withErrorShape(RegistryApi.ERRORS), config -> {
            config.startupWatcherEnabled = false;
            config.jetty.threadPool = threads;
            config.http.defaultContentType = RegistryApi.CONTENT_TYPE;
        });
        // ready as soon as it serves: the journal was read before
        new HealthEndpoints(Health::up, 1).install(server);
        new RegistryApi(state).routes(server);
        server.start();
        String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
        log.info("schema registry listening on {} with {} subjects", url, state.subjects().size());
        return new EmbeddedSchemaRegistry(server, journal, url);
    }

    /** The port it listens on, the chosen one when started with port 0. */
    public int port() {
        return server.port();
    }

    /** The URL clients use, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        return url;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            journal.close();
        }
        log.info("schema registry at {} stopped", url);
    }
}
