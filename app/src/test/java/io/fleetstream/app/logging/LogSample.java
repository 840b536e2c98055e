package io.fleetstream.app.logging;

import io.fleetstream.app.Main;
import io.fleetstream.http.HttpEdge;
import io.fleetstream.schemas.LogFields;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A process that sets up logging as {@code fleetstream <its arguments>} would, then logs one line of each kind: what
 * {@link LogFormatTest} reads from its console.
 */
public final class LogSample {

    static final String OWN_LOGGER = "io.fleetstream.sample";
    static final String KAFKA_LOGGER = "org.apache.kafka.clients.NetworkClient";

    public static void main(String[] args) throws Exception {
        Main.configureLogging(Main.commandLine().parseArgs(args));
        Logger own = LoggerFactory.getLogger(OWN_LOGGER);
        own.info("plain line");
        own.atWarn()
                .addKeyValue(LogFields.TOPIC, "emnify.events.raw")
                .addKeyValue(LogFields.PARTITION, 2)
                .addKeyValue(LogFields.ENDPOINT_ID, "4711")
                .log("dead-lettered a record");
        own.error("it broke", new IllegalStateException("outer failure", new RuntimeException("root cause")));
        own.info("first line\nsecond line of one message");
        own.debug("a debug line");
        Logger kafka = LoggerFactory.getLogger(KAFKA_LOGGER);
        kafka.info("kafka internal info");
        kafka.warn("kafka internal warning");
        kafka.error("kafka internal error");

        Javalin app = HttpEdge.create(new HttpEdge.Config("127.0.0.1", 0));
        app.get("/v1/things/{id}", ctx -> ctx.result("ok"));
        app.start();
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/things/42?token=s3cret"))
                    .build(), HttpResponse.BodyHandlers.discarding());
        } finally {
            app.stop();
        }
        own.info("done");
    }
}
