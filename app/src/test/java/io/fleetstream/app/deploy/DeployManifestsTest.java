package io.fleetstream.app.deploy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fleetstream.app.Main;
import io.fleetstream.app.cli.EnvironmentDefaults;
import io.fleetstream.app.topology.TopologyService;
import io.fleetstream.http.HealthEndpoints;
import io.fleetstream.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The Kubernetes manifests in {@code deploy/} agree with the code: every overlay renders with
 * {@code kubectl kustomize}, every resource parses strictly with the fabric8 Kubernetes model (an unknown or misspelt
 * field fails), every environment variable is an option of the role it is given to, ports and probes are the CLI's
 * defaults and the health contract's paths, and the Strimzi topics are {@link Topics#all()}.
 *
 * <p>Without kubectl the rendering tests are skipped, with the reason; with {@code CI=true} they fail instead.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = repositoryRoot().resolve("deploy");
    private static final String IMAGE = "fleetstream:0.1.0";
    private static final Set<String> OTHER_ENV = Set.of("JAVA_TOOL_OPTIONS", "POD_NAME", "POD_NAMESPACE");
    /** Every role serves Prometheus metrics: ingest on its webhook port, the topology on its query API. */
    private static final Set<String> ROLES_WITH_METRICS = Set.of("ingest", "topology");

    /** Jackson over the fabric8 model, strict: unknown fields fail (the model's catch-all any-setter is removed). */
    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .addModule(new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                             BeanDeserializerBuilder builder) {
                    if (description.getBeanClass().getName().startsWith("io.fabric8.")) {
                        builder.setAnySetter(null);
                    }
                    return builder;
                }
            }))
            .build();

    private static final YAMLMapper YAML = new YAMLMapper();

    private static final Map<String, Class<? extends HasMetadata>> MODEL = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

    // ---------------------------------------------------------------------------------------------- every overlay

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyResourceIsAKnownKindAndNoSecretIsInTheRepository(String overlay) throws IOException {
        Rendered rendered = render(overlay);
        assertThat(rendered.all).extracting(HasMetadata::getKind).containsOnly(
                "ConfigMap", "Service", "Deployment", "StatefulSet", "HorizontalPodAutoscaler", "PodDisruptionBudget");
        assertThat(rendered.of(Deployment.class)).hasSize(1);
        assertThat(rendered.of(StatefulSet.class)).hasSize(1);
        assertThat(rendered.of(HorizontalPodAutoscaler.class)).hasSize(1);
        assertThat(rendered.of(PodDisruptionBudget.class)).hasSize(2);
        for (ConfigMap map : rendered.of(ConfigMap.class)) {
            assertThat(map.getData().keySet()).as("ConfigMap %s holds no credential", name(map))
                    .noneMatch(DeployManifestsTest::isCredential);
        }
        assertThat(Files.readString(DEPLOY.resolve("base/ingest.yaml")) + Files.readString(DEPLOY.resolve("base/topology.yaml")))
                .doesNotContain("kind: Secret\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyEnvironmentVariableIsAnOptionOfItsRole(String overlay) {
        Rendered rendered = render(overlay);
        for (Workload workload : rendered.workloads()) {
            Set<String> options = optionVariables(workload.role());
            Map<String, String> env = rendered.environment(workload.container());
            assertThat(env).as("%s: every option of its role is FLEETSTREAM_ + the option name", workload.role())
                    .isNotEmpty();
            for (String name : env.keySet()) {
                if (name.startsWith(EnvironmentDefaults.PREFIX)) {
                    assertThat(options).as("%s in %s is an option of `fleetstream %s`", name, overlay, workload.role())
                            .contains(name);
                } else {
                    assertThat(OTHER_ENV).as("%s in %s", name, workload.role()).contains(name);
                }
            }
            assertThat(env).containsKeys("FLEETSTREAM_BOOTSTRAP_SERVERS", "FLEETSTREAM_SCHEMA_REGISTRY_URL");
            assertThat(env.get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=75");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void credentialsComeFromSecretsOnly(String overlay) {
        Rendered rendered = render(overlay);
        Map<String, SecretKeySelector> ingestSecrets = secrets(rendered.ingest().container());
        Map<String, SecretKeySelector> topologySecrets = secrets(rendered.topology().container());
        for (Workload workload : rendered.workloads()) {
            for (EnvVar var : workload.container().getEnv()) {
                if (isCredential(var.getName())) {
                    assertThat(var.getValue()).as("%s is never a literal", var.getName()).isNull();
                    assertThat(var.getValueFrom().getSecretKeyRef()).as("%s from a Secret", var.getName()).isNotNull();
                }
            }
        }
        assertThat(ingestSecrets).containsOnlyKeys("FLEETSTREAM_WEBHOOK_TOKEN", "FLEETSTREAM_EMNIFY_TOKEN",
                "FLEETSTREAM_SCHEMA_REGISTRY_BASIC_AUTH");
        // without a credential the webhook serves loopback clients only: in a cluster it is required
        assertThat(ingestSecrets.get("FLEETSTREAM_WEBHOOK_TOKEN").getOptional()).isNotEqualTo(Boolean.TRUE);
        // the poller and the registry's authentication are optional features
        assertThat(ingestSecrets.get("FLEETSTREAM_EMNIFY_TOKEN").getOptional()).isTrue();
        assertThat(ingestSecrets.get("FLEETSTREAM_SCHEMA_REGISTRY_BASIC_AUTH").getOptional()).isTrue();
        assertThat(topologySecrets).containsOnlyKeys("FLEETSTREAM_SCHEMA_REGISTRY_BASIC_AUTH", "FLEETSTREAM_QUERY_TOKEN");
        assertThat(topologySecrets.get("FLEETSTREAM_SCHEMA_REGISTRY_BASIC_AUTH").getOptional()).isTrue();
        // without a token the query API answers anyone who reaches the Service: optional, like exposing it (deploy/ingress)
        assertThat(topologySecrets.get("FLEETSTREAM_QUERY_TOKEN").getKey()).isEqualTo("query-token");
        assertThat(topologySecrets.get("FLEETSTREAM_QUERY_TOKEN").getOptional()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void portsAreTheCliDefaultsAndProbesTheHealthContract(String overlay) {
        Rendered rendered = render(overlay);
        checkPortsAndProbes(rendered, rendered.ingest(), "--ingest-port");
        checkPortsAndProbes(rendered, rendered.topology(), "--query-port");
        for (Workload workload : rendered.workloads()) {
            Container container = workload.container();
            assertThat(container.getImage()).isEqualTo(IMAGE);
            assertThat(container.getArgs()).containsExactly(workload.role());
            assertThat(container.getCommand()).as("the image's ENTRYPOINT runs the jar").isNullOrEmpty();
            ResourceRequirements resources = container.getResources();
            assertThat(resources.getRequests()).containsKeys("cpu", "memory");
            assertThat(resources.getLimits()).containsKeys("cpu", "memory");
            assertThat(bytes(resources.getLimits().get("memory"))).isGreaterThanOrEqualTo(bytes(resources.getRequests().get("memory")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void onlyRolesServingMetricsAreScraped(String overlay) {
        Rendered rendered = render(overlay);
        for (Workload workload : rendered.workloads()) {
            Map<String, String> annotations = Optional.ofNullable(workload.template().getMetadata().getAnnotations()).orElse(Map.of());
            if (ROLES_WITH_METRICS.contains(workload.role())) {
                assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                        .containsEntry("prometheus.io/path", "/metrics")
                        .containsEntry("prometheus.io/port", String.valueOf(port(workload.container())));
            } else {
                assertThat(annotations.keySet()).as("%s serves no /metrics", workload.role())
                        .noneMatch(k -> k.startsWith("prometheus.io/"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void theTopologyIsAStatefulSetWithStableNamesStateAndStaticMembership(String overlay) {
        Rendered rendered = render(overlay);
        StatefulSet set = rendered.of(StatefulSet.class).get(0);
        Workload topology = rendered.topology();
        Map<String, String> env = rendered.environment(topology.container());
        List<EnvVar> vars = topology.container().getEnv();

        assertThat(env.getOrDefault("FLEETSTREAM_APPLICATION_ID", TopologyService.InstanceSettings.DEFAULT_APPLICATION_ID))
                .isEqualTo(TopologyService.InstanceSettings.DEFAULT_APPLICATION_ID)
                .isEqualTo(option("topology", "--application-id").defaultValue());

        // application.server: the pod's stable DNS name through the headless Service
        String headless = set.getSpec().getServiceName();
        assertThat(env).containsEntry("FLEETSTREAM_ADVERTISED_HOST",
                "$(POD_NAME)." + headless + ".$(POD_NAMESPACE).svc.cluster.local");
        assertThat(env).containsEntry("FLEETSTREAM_GROUP_INSTANCE_ID", "$(POD_NAME)");
        assertThat(fieldRef(vars, "POD_NAME")).isEqualTo("metadata.name");
        assertThat(fieldRef(vars, "POD_NAMESPACE")).isEqualTo("metadata.namespace");
        List<String> order = vars.stream().map(EnvVar::getName).toList();
        assertThat(order.indexOf("POD_NAME")).as("$(POD_NAME) is defined before it is used")
                .isLessThan(order.indexOf("FLEETSTREAM_ADVERTISED_HOST")).isLessThan(order.indexOf("FLEETSTREAM_GROUP_INSTANCE_ID"));
        assertThat(order.indexOf("POD_NAMESPACE")).isLessThan(order.indexOf("FLEETSTREAM_ADVERTISED_HOST"));
        Service headlessService = rendered.service(headless);
        assertThat(headlessService.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headlessService.getSpec().getPublishNotReadyAddresses()).isTrue();

        // the state directory is on the volume claim template
        String stateDir = env.get("FLEETSTREAM_STATE_DIR");
        assertThat(stateDir).isNotBlank();
        Set<String> claims = set.getSpec().getVolumeClaimTemplates().stream().map(c -> c.getMetadata().getName())
                .collect(Collectors.toSet());
        List<VolumeMount> mounts = topology.container().getVolumeMounts();
        assertThat(mounts).as("a claim's volume holds " + stateDir)
                .anyMatch(m -> claims.contains(m.getName()) && Path.of(stateDir).startsWith(Path.of(m.getMountPath())));

        // standbys, and time for Kafka Streams to close cleanly
        assertThat(Integer.parseInt(env.get("FLEETSTREAM_NUM_STANDBY_REPLICAS"))).isLessThan(set.getSpec().getReplicas());
        assertThat(topology.template().getSpec().getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(60L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void servicesHpaAndBudgetsSelectTheirWorkloads(String overlay) {
        Rendered rendered = render(overlay);
        for (Service service : rendered.of(Service.class)) {
            List<Workload> selected = rendered.workloads().stream()
                    .filter(w -> w.template().getMetadata().getLabels().entrySet()
                            .containsAll(service.getSpec().getSelector().entrySet()))
                    .toList();
            assertThat(selected).as("Service %s selects exactly one workload", name(service)).hasSize(1);
            Set<String> portNames = selected.get(0).container().getPorts().stream().map(ContainerPort::getName)
                    .collect(Collectors.toSet());
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(portNames).as("Service %s targets a named container port", name(service))
                        .contains(port.getTargetPort().getStrVal());
                assertThat(port.getPort()).isEqualTo(port(selected.get(0).container()));
            }
        }
        for (PodDisruptionBudget budget : rendered.of(PodDisruptionBudget.class)) {
            assertThat(rendered.workloads()).as("PDB %s selects one workload", name(budget))
                    .filteredOn(w -> w.template().getMetadata().getLabels().entrySet()
                            .containsAll(budget.getSpec().getSelector().getMatchLabels().entrySet()))
                    .hasSize(1);
        }
        HorizontalPodAutoscaler hpa = rendered.of(HorizontalPodAutoscaler.class).get(0);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name(rendered.of(Deployment.class).get(0)));
        assertThat(rendered.of(Deployment.class).get(0).getSpec().getReplicas())
                .as("the HPA owns the ingest replica count").isNull();
        assertThat(rendered.service("fleetstream-topology").getSpec().getClusterIP()).isNotEqualTo("None");
    }

    // ---------------------------------------------------------------------------------------------- the overlays

    @Test
    void localRunsOnePodOfEachRole() {
        Rendered local = render("local");
        assertThat(local.of(StatefulSet.class).get(0).getSpec().getReplicas()).isEqualTo(1);
        assertThat(local.of(HorizontalPodAutoscaler.class).get(0).getSpec().getMinReplicas()).isEqualTo(1);
        assertThat(local.environment(local.topology().container())).containsEntry("FLEETSTREAM_NUM_STANDBY_REPLICAS", "0");
    }

    @Test
    void productionRunsThreeTopologyInstancesWithStandbysAndAtLeastTwoIngestReplicas() {
        Rendered production = render("production");
        Rendered local = render("local");
        assertThat(production.of(StatefulSet.class).get(0).getSpec().getReplicas()).isEqualTo(3);
        assertThat(production.of(HorizontalPodAutoscaler.class).get(0).getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(Integer.parseInt(production.environment(production.topology().container())
                .get("FLEETSTREAM_NUM_STANDBY_REPLICAS"))).isGreaterThanOrEqualTo(1);
        for (String role : List.of("ingest", "topology")) {
            assertThat(bytes(production.workload(role).container().getResources().getLimits().get("memory")))
                    .as("production %s has more memory than local", role)
                    .isGreaterThan(bytes(local.workload(role).container().getResources().getLimits().get("memory")));
        }
    }

    @Test
    void strictParsingRejectsUnknownFields() {
        String misspelt = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      contianers: []
                """;
        assertThatThrownBy(() -> parse(misspelt)).hasMessageContaining("contianers");
        String wrongType = """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: x}
                spec: {replicas: "3"}
                """;
        assertThatThrownBy(() -> parse(wrongType)).isNotNull();
        assertThatThrownBy(() -> parse("apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n"))
                .hasMessageContaining("v1/Secret");
    }

    // ---------------------------------------------------------------------------------------------- Strimzi

    @Test
    void strimziTopicsAreTheTopicsFleetstreamUsesWithTheirCleanupPolicies() throws IOException {
        int partitions = Integer.parseInt(option("topology", "--partitions").defaultValue());
        int replicas = Integer.parseInt(option("topology", "--replication-factor").defaultValue());
        Map<String, String> expected = new LinkedHashMap<>();
        for (Topics.Spec spec : Topics.withDefaultPrefix().all()) {
            expected.put(spec.name(), spec.cleanup() == Topics.Cleanup.COMPACT ? "compact" : "delete");
        }
        Map<String, String> declared = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (JsonNode topic : documents(Files.readString(DEPLOY.resolve("strimzi/topics.yaml")))) {
            assertThat(topic.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat(topic.path("kind").asText()).isEqualTo("KafkaTopic");
            assertThat(fieldNames(topic)).containsOnly("apiVersion", "kind", "metadata", "spec");
            assertThat(fieldNames(topic.path("spec"))).containsOnly("topicName", "partitions", "replicas", "config");
            assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isNotBlank();
            String name = topic.path("metadata").path("name").asText();
            assertThat(name).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
            assertThat(names.add(name)).as("%s declared once", name).isTrue();
            JsonNode spec = topic.path("spec");
            assertThat(spec.path("partitions").isInt() && spec.path("partitions").asInt() == partitions)
                    .as("%s has %d partitions", name, partitions).isTrue();
            assertThat(spec.path("replicas").isInt() && spec.path("replicas").asInt() == replicas)
                    .as("%s has %d replicas", name, replicas).isTrue();
            declared.put(spec.path("topicName").asText(), spec.path("config").path("cleanup.policy").asText());
        }
        assertThat(declared).isEqualTo(expected);
        assertThat(Files.readString(DEPLOY.resolve("strimzi/kustomization.yaml"))).contains("topics.yaml");
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void checkPortsAndProbes(Rendered rendered, Workload workload, String portOption) {
        Container container = workload.container();
        int defaultPort = Integer.parseInt(option(workload.role(), portOption).defaultValue());
        String variable = EnvironmentDefaults.variableFor(portOption);
        int effective = Integer.parseInt(rendered.environment(container).getOrDefault(variable, String.valueOf(defaultPort)));
        assertThat(effective).as("%s %s", workload.role(), portOption).isEqualTo(defaultPort);
        assertThat(container.getPorts()).hasSize(1);
        ContainerPort port = container.getPorts().get(0);
        assertThat(port.getContainerPort()).as("%s container port is %s's default", workload.role(), portOption)
                .isEqualTo(defaultPort);
        checkProbe(container.getReadinessProbe(), HealthEndpoints.READY_PATH, port);
        checkProbe(container.getLivenessProbe(), HealthEndpoints.LIVE_PATH, port);
    }

    private static void checkProbe(Probe probe, String path, ContainerPort port) {
        assertThat(probe).isNotNull();
        HTTPGetAction get = probe.getHttpGet();
        assertThat(get.getPath()).isEqualTo(path);
        Object target = get.getPort().getStrVal() != null ? get.getPort().getStrVal() : get.getPort().getIntVal();
        assertThat(target).isIn(port.getName(), port.getContainerPort());
    }

    private static int port(Container container) {
        return container.getPorts().get(0).getContainerPort();
    }

    private static BigDecimal bytes(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity);
    }

    private static String fieldRef(List<EnvVar> vars, String name) {
        return vars.stream().filter(v -> v.getName().equals(name)).findFirst()
                .map(v -> v.getValueFrom().getFieldRef().getFieldPath()).orElse(null);
    }

    private static Map<String, SecretKeySelector> secrets(Container container) {
        Map<String, SecretKeySelector> secrets = new HashMap<>();
        for (EnvVar var : container.getEnv()) {
            if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                SecretKeySelector ref = var.getValueFrom().getSecretKeyRef();
                assertThat(ref.getName()).isNotBlank();
                assertThat(ref.getKey()).isNotBlank();
                secrets.put(var.getName(), ref);
            }
        }
        return secrets;
    }

    private static boolean isCredential(String variable) {
        return variable.contains("TOKEN") || variable.contains("AUTH") || variable.contains("PASSWORD");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String name(HasMetadata resource) {
        return resource.getMetadata().getName();
    }

    /** The environment variables an option of {@code fleetstream <role>} is read from. */
    private static Set<String> optionVariables(String role) {
        return subcommand(role).options().stream()
                .filter(o -> !o.usageHelp() && !o.versionHelp())
                .map(o -> EnvironmentDefaults.variableFor(o.longestName()))
                .collect(Collectors.toSet());
    }

    private static OptionSpec option(String role, String name) {
        OptionSpec option = subcommand(role).findOption(name);
        assertThat(option).as("fleetstream %s %s", role, name).isNotNull();
        return option;
    }

    private static CommandSpec subcommand(String role) {
        CommandLine command = Main.commandLine().getSubcommands().get(role);
        assertThat(command).as("fleetstream %s", role).isNotNull();
        return command.getCommandSpec();
    }

    // ---------------------------------------------------------------------------------------------- rendering

    record Workload(String role, PodTemplateSpec template) {
        Container container() {
            assertThat(template.getSpec().getContainers()).hasSize(1);
            return template.getSpec().getContainers().get(0);
        }
    }

    record Rendered(List<HasMetadata> all) {

        <T extends HasMetadata> List<T> of(Class<T> type) {
            return all.stream().filter(type::isInstance).map(type::cast).toList();
        }

        List<Workload> workloads() {
            List<Workload> workloads = new ArrayList<>();
            of(Deployment.class).forEach(d -> workloads.add(workload(d.getSpec().getTemplate())));
            of(StatefulSet.class).forEach(s -> workloads.add(workload(s.getSpec().getTemplate())));
            return workloads;
        }

        private static Workload workload(PodTemplateSpec template) {
            List<String> args = template.getSpec().getContainers().get(0).getArgs();
            assertThat(args).as("the role is the container's argument").isNotEmpty();
            return new Workload(args.get(0), template);
        }

        Workload workload(String role) {
            List<Workload> found = workloads().stream().filter(w -> w.role().equals(role)).toList();
            assertThat(found).as("one workload runs %s", role).hasSize(1);
            return found.get(0);
        }

        Workload ingest() {
            Workload ingest = workload("ingest");
            assertThat(of(Deployment.class).get(0).getSpec().getTemplate()).isSameAs(ingest.template());
            return ingest;
        }

        Workload topology() {
            Workload topology = workload("topology");
            assertThat(of(StatefulSet.class).get(0).getSpec().getTemplate()).isSameAs(topology.template());
            return topology;
        }

        Service service(String name) {
            return of(Service.class).stream().filter(s -> name(s).equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no Service " + name));
        }

        /** The container's environment: its ConfigMaps (envFrom) and its own variables, which win. */
        Map<String, String> environment(Container container) {
            Map<String, String> env = new LinkedHashMap<>();
            for (EnvFromSource from : container.getEnvFrom()) {
                assertThat(from.getSecretRef()).as("secrets by key (secretKeyRef), not envFrom").isNull();
                assertThat(from.getPrefix()).isNull();
                String mapName = from.getConfigMapRef().getName();
                ConfigMap map = of(ConfigMap.class).stream().filter(m -> name(m).equals(mapName)).findFirst()
                        .orElseThrow(() -> new AssertionError("envFrom names a ConfigMap that is not rendered: " + mapName));
                env.putAll(map.getData());
            }
            for (EnvVar var : container.getEnv()) {
                env.put(var.getName(), var.getValue());
            }
            return env;
        }
    }

    private static Rendered render(String overlay) {
        Path kubectl = kubectl().orElse(null);
        if (kubectl == null) {
            String reason = "kubectl is not on the PATH: cannot render deploy/overlays/" + overlay;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason + " (CI=true: the manifests must be checked)");
            }
            abort(reason);
        }
        try {
            File errors = File.createTempFile("kustomize", ".err");
            errors.deleteOnExit();
            Process process = new ProcessBuilder(kubectl.toString(), "kustomize", DEPLOY.resolve("overlays").resolve(overlay).toString())
                    .redirectError(errors).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("kubectl kustomize " + overlay + " did not finish in 60s");
            }
            assertThat(process.exitValue()).as("kubectl kustomize %s: %s", overlay,
                    Files.readString(errors.toPath())).isZero();
            return parse(new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run kubectl kustomize " + overlay, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Every document as its fabric8 model class, strictly: an unknown field or kind fails. */
    static Rendered parse(String yaml) throws IOException {
        List<HasMetadata> resources = new ArrayList<>();
        for (JsonNode document : documents(yaml)) {
            String type = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
            Class<? extends HasMetadata> model = MODEL.get(type);
            if (model == null) {
                throw new AssertionError("unexpected resource " + type + " " + document.path("metadata").path("name"));
            }
            resources.add(STRICT.treeToValue(document, model));
        }
        return new Rendered(resources);
    }

    private static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (values.hasNext()) {
                JsonNode node = values.next();
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    documents.add(node);
                }
            }
        }
        return documents;
    }

    /** kubectl on the PATH, or the one the system property {@code fleetstream.kubectl} names (a wrong one: absent). */
    static Optional<Path> kubectl() {
        String chosen = System.getProperty("fleetstream.kubectl");
        if (chosen != null) {
            return Optional.of(Path.of(chosen)).filter(Files::isExecutable);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        List<Path> candidates = new ArrayList<>();
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "kubectl"));
            }
        }
        candidates.add(Path.of("/usr/bin/kubectl"));
        candidates.add(Path.of("/usr/local/bin/kubectl"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/overlays"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/overlays above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
