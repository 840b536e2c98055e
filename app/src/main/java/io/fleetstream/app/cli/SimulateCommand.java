package io.fleetstream.app.cli;

import io.fleetstream.app.simulate.CarrierOutage;
import io.fleetstream.app.simulate.DeliveryListener;
import io.fleetstream.app.simulate.Simulator;
import io.fleetstream.app.simulate.SimulatorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** Simulated Data Streamer traffic against any fleetstream ingest. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Post realistic emnify Data Streamer batches for a simulated fleet to a webhook.")
public final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--target", defaultValue = "http://localhost:8080/v1/events",
            description = "webhook URL for events (default: ${DEFAULT-VALUE}); the data usage records of the simulated "
                    + "sessions go to the sibling path ending in /usage (none if the URL does not end in /events)")
    URI target;

    @Option(names = "--devices", defaultValue = "100", description = "simulated devices (default: ${DEFAULT-VALUE})")
    int devices;

    @Option(names = "--speed", defaultValue = "10", description = "simulated seconds per real second (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the traffic (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "stop after this much simulated time (default: run until stopped)")
    Duration duration;

    @Option(names = "--since", converter = DurationConverter.class,
            description = "start the simulated traffic this long ago (e.g. 2h30m) instead of now; with a high --speed and "
                    + "--duration it delivers a fleet's history at full speed, as a Data Streamer does when it resumes "
                    + "after a pause")
    Duration since;

    @Option(names = "--start", paramLabel = "INSTANT",
            description = "start the simulated traffic at this instant (e.g. 2026-12-01T18:00:00Z): the same --seed and "
                    + "--start give the same events, however fast they are delivered")
    Instant start;

    @Option(names = "--batch-size", defaultValue = "" + SimulatorConfig.DEFAULT_BATCH_SIZE,
            description = "most events per POST, 1 to 10000 (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--outage", paramLabel = "OUTAGE", converter = OutageConverter.class,
            description = "play a carrier outage: a share of one operator's devices lose their data sessions together "
                    + "and reconnect after it, e.g. operator=Vodafone,share=0.6,after=10m,duration=10m (operator: "
                    + "name or id; defaults: share 0.6, after 10m of simulated time, duration 10m, which is longer than "
                    + "the 5-minute offline window so the devices go offline)")
    CarrierOutage outage;

    @Option(names = "--webhook-token", description = "bearer token to send (never logged)")
    String bearerToken;

    @Option(names = "--webhook-basic-auth", paramLabel = "USER:PASSWORD", description = "basic credential to send (never logged)")
    String basicAuth;

    @Override
    public Integer call() throws Exception {
        SimulatorConfig config = SimulatorConfig.defaults(target, devices, seed).withSpeed(speed).withBatchSize(batchSize);
        if (since != null && start != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --since or --start, not both");
        }
        Instant from = start != null ? start : since != null ? Instant.now().minus(since) : null;
        if (from != null) {
            config = config.withTraffic(config.traffic().withStart(from));
        }
        if (duration != null) {
            config = config.withDuration(duration);
        }
        if (outage != null) {
            config = config.withTraffic(config.traffic().withOutage(outage));
        }
        config = WebhookOptions.authorizationHeader(bearerToken, basicAuth).map(config::withAuthorization).orElse(config);
        ShutdownSignal shutdown = ShutdownSignal.install();
        try (Simulator simulator = new Simulator(config, DeliveryListener.NONE)) {
            simulator.start();
            if (duration != null) {
                // a bounded run ends by itself once everything was delivered
                while (!shutdown.await(Duration.ofSeconds(1))) {
                    if (simulator.awaitCompletion(Duration.ZERO)) {
                        System.out.println("simulated " + duration + ": " + simulator.stats());
                        return 0;
                    }
                }
            } else {
                shutdown.await();
            }
        } finally {
            shutdown.closed();
        }
        return 0;
    }
}
