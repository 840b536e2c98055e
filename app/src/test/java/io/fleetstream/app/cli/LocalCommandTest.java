package io.fleetstream.app.cli;

import io.fleetstream.app.local.LocalStack;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.topology.query.QueryAccess;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code local} runs its topology instance with the topology options it accepts, as {@code topology} does. */
class LocalCommandTest {

    private static TopologyService.InstanceSettings topologyOf(Map<String, String> environment, String... args) {
        LocalCommand command = new LocalCommand();
        new CommandLine(command).setDefaultValueProvider(new EnvironmentDefaults(environment)).parseArgs(args);
        return LocalStack.topologySettings(command.settings(Clock.systemUTC()), "127.0.0.1:9092", "http://127.0.0.1:8081")
                .instance();
    }

    @Test
    void everyTopologyOptionReachesTheTopologyInstance() {
        TopologyService.InstanceSettings settings = topologyOf(Map.of(), "--data-dir", "/tmp/fs-local",
                "--application-id", "my-fleet", "--stream-threads", "3", "--num-standby-replicas", "2",
                "--query-host", "127.0.0.1", "--advertised-host", "laptop.example", "--group-instance-id", "laptop-1",
                "--state-dir", "/tmp/fs-state", "--query-port", "9190");

        assertThat(settings.applicationId()).isEqualTo("my-fleet");
        assertThat(settings.streamThreads()).isEqualTo(3);
        assertThat(settings.standbyReplicas()).isEqualTo(2);
        assertThat(settings.queryHost()).isEqualTo("127.0.0.1");
        assertThat(settings.advertisedHost()).isEqualTo("laptop.example");
        assertThat(settings.groupInstanceId()).isEqualTo("laptop-1");
        assertThat(settings.stateDir()).isEqualTo(Path.of("/tmp/fs-state"));
        assertThat(settings.queryPort()).isEqualTo(9190);
        assertThat(settings.replicationFactor()).isEqualTo(1);
    }

    @Test
    void theEnvironmentSetsThemTooAndWithoutThemLocalKeepsItsOwnMembershipAndStateDir() {
        TopologyService.InstanceSettings settings = topologyOf(Map.of("FLEETSTREAM_APPLICATION_ID", "env-fleet",
                "FLEETSTREAM_STREAM_THREADS", "2", "FLEETSTREAM_ADVERTISED_HOST", "box.lan"), "--data-dir", "/tmp/fs-local");

        assertThat(settings.applicationId()).isEqualTo("env-fleet");
        assertThat(settings.streamThreads()).isEqualTo(2);
        assertThat(settings.advertisedHost()).isEqualTo("box.lan");
        assertThat(settings.groupInstanceId()).isEqualTo(LocalStack.DEFAULT_GROUP_INSTANCE_ID);
        assertThat(settings.stateDir()).isEqualTo(Path.of("/tmp/fs-local", "streams"));
        assertThat(settings.standbyReplicas()).as("one instance keeps no standby").isZero();
    }

    @Test
    void withoutAQueryTokenLocalServesOnlyItsOwnHostAndWithOneEveryCallerMustSendIt() {
        QueryAccess without = topologyOf(Map.of(), "--query-host", "0.0.0.0").queryAccess();
        QueryAccess with = topologyOf(Map.of("FLEETSTREAM_QUERY_TOKEN", "local-query-SECRET")).queryAccess();

        assertThat(without.token()).isEmpty();
        assertThat(without.loopbackOnly()).isTrue();
        assertThat(with.token()).contains("local-query-SECRET");
        assertThat(with.toString()).doesNotContain("local-query-SECRET");
    }

    @Test
    void impossibleValuesAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> topologyOf(Map.of(), "--stream-threads", "0"))
                .hasMessageContaining("--stream-threads");
        assertThatThrownBy(() -> topologyOf(Map.of(), "--num-standby-replicas", "-1"))
                .hasMessageContaining("--num-standby-replicas");
    }
}
