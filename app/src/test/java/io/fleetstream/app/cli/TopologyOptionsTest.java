package io.fleetstream.app.cli;

import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.schemas.Topics;
import io.fleetstream.topology.IncidentRules;
import io.fleetstream.topology.TopologyConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The topology options map to the role's settings in one place, with the topology's own defaults. */
class TopologyOptionsTest {

    private static final String[] CLUSTER = {"--bootstrap-servers", "kafka:9092", "--schema-registry-url", "http://registry:8081"};

    private static TopologyService.Settings topologyRole(String... args) {
        TopologyCommand command = new TopologyCommand();
        new CommandLine(command).setDefaultValueProvider(new EnvironmentDefaults(Map.of()))
                .parseArgs(Stream.concat(Stream.of(CLUSTER), Stream.of(args)).toArray(String[]::new));
        return command.settings();
    }

    private static TopologyService.InstanceSettings localRole(String... args) {
        LocalCommand command = new LocalCommand();
        new CommandLine(command).setDefaultValueProvider(new EnvironmentDefaults(Map.of())).parseArgs(args);
        return command.settings(Clock.systemUTC()).topology();
    }

    @Test
    void withoutOptionsTheTopologyRunsWithItsOwnDefaults() {
        TopologyService.Settings settings = topologyRole();

        assertThat(settings.topology()).usingRecursiveComparison().isEqualTo(TopologyConfig.defaults(Topics.withDefaultPrefix()));
        assertThat(localRole().topology()).usingRecursiveComparison().isEqualTo(TopologyConfig.defaults(Topics.withDefaultPrefix()));
        assertThat(settings.instance().applicationId()).isEqualTo(TopologyService.InstanceSettings.DEFAULT_APPLICATION_ID);
        assertThat(settings.instance().standbyReplicas()).isEqualTo(1);
        assertThat(settings.instance().readyMaxRestoreRecords())
                .isEqualTo(TopologyService.InstanceSettings.DEFAULT_READY_MAX_RESTORE_RECORDS);
    }

    @Test
    void topologyAndLocalBuildTheSameInstanceFromTheSameOptions() {
        String[] options = {"--application-id", "fleet-a", "--state-dir", "/tmp/fs-state", "--group-instance-id", "pod-1",
                "--processing-guarantee", "at_least_once", "--num-standby-replicas", "2", "--stream-threads", "4",
                "--commit-interval", "250ms", "--query-port", "9191", "--query-host", "127.0.0.1",
                "--advertised-host", "pod-1.fleet", "--dedupe-retention", "2d", "--offline-window", "10m",
                "--event-lateness", "5s", "--offline-wall-clock-allowance", "1m", "--source-idle-timeout", "3m",
                "--history-retention", "30d", "--rocksdb-memory", "256MiB", "--ready-max-restore-records", "500",
                "--incident-min-devices", "50", "--incident-min-share", "0.25", "--incident-window", "10m",
                "--incident-resolve-share", "0.9",
                "--quota-alert-horizon", "12h", "--quota-burn-window", "3h"};
        String[] topologyOptions = Stream.concat(Stream.of(options), Stream.of("--replication-factor", "1"))
                .toArray(String[]::new);

        TopologyService.InstanceSettings topology = topologyRole(topologyOptions).instance();

        // Topics has no equals: compare field by field
        assertThat(localRole(options)).usingRecursiveComparison().isEqualTo(topology);
        assertThat(topology.topology().deviceTimers().offlineWindow()).hasMinutes(10);
        assertThat(topology.topology().history().retention()).hasDays(30);
        assertThat(topology.rocksDbMemoryBytes()).isEqualTo(256L << 20);
        assertThat(topology.readyMaxRestoreRecords()).isEqualTo(500);
        assertThat(topology.topology().incidents()).isEqualTo(new IncidentRules(50, 0.25, Duration.ofMinutes(10), 0.9));
        assertThat(topology.topology().forecasting().horizon()).hasHours(12);
        assertThat(topology.topology().forecasting().burnWindow()).hasHours(3);
    }

    @Test
    void theTopologyRoleRefusesImpossibleValuesNamingTheOption() {
        assertThatThrownBy(() -> topologyRole("--stream-threads", "0")).hasMessageContaining("--stream-threads");
        assertThatThrownBy(() -> topologyRole("--num-standby-replicas", "-1"))
                .hasMessageContaining("--num-standby-replicas");
        assertThatThrownBy(() -> topologyRole("--rocksdb-memory", "1MiB")).hasMessageContaining("--rocksdb-memory");
        assertThatThrownBy(() -> topologyRole("--ready-max-restore-records", "-1"))
                .hasMessageContaining("--ready-max-restore-records");
        assertThatThrownBy(() -> topologyRole("--incident-min-share", "1.5")).hasMessageContaining("--incident-min-share");
        assertThatThrownBy(() -> topologyRole("--incident-min-devices", "0")).hasMessageContaining("--incident-min-devices");
        assertThatThrownBy(() -> topologyRole("--incident-resolve-share", "0")).hasMessageContaining("--incident-resolve-share");
        assertThatThrownBy(() -> topologyRole("--quota-burn-window", "10m")).hasMessageContaining("--quota-burn-window");
        assertThatThrownBy(() -> topologyRole("--quota-alert-horizon", "0s")).hasMessageContaining("--quota-alert-horizon");
    }

    @Test
    void aRefusedSettingIsReportedInTheSettingsOwnWordsAfterTheFlagsThatGaveIt() {
        assertThatThrownBy(() -> topologyRole("--incident-min-share", "1.5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--incident-min-share must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> topologyRole("--incident-window", "0s"))
                .hasMessage("--incident-window must be a positive duration, got PT0S");
        assertThatThrownBy(() -> topologyRole("--quota-alert-horizon", "0s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--quota-alert-horizon / --quota-burn-window: quota alert horizon must be a positive duration, "
                        + "got PT0S");
    }
}
