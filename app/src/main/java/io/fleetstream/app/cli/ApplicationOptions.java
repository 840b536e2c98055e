package io.fleetstream.app.cli;

import io.fleetstream.app.topology.TopologyService;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Which Kafka Streams application, and where its local state lives: the topology role and the operator commands. */
public class ApplicationOptions {

    /** Where the {@code topology} role keeps its state unless told otherwise. */
    public static final Path DEFAULT_STATE_DIR = Path.of("data", "streams");

    @Option(names = "--application-id", defaultValue = TopologyService.InstanceSettings.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application id: consumer group and internal topic prefix (default: ${DEFAULT-VALUE})")
    public String applicationId;

    @Option(names = "--state-dir", description = "local state directory (default: ./data/streams; in local mode <data-dir>/streams)")
    public Path stateDir;

    public Path stateDirOr(Path fallback) {
        return stateDir != null ? stateDir : fallback;
    }
}
