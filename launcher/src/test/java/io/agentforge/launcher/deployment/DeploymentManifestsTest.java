package io.agentforge.launcher.deployment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.agentforge.launcher.config.Variable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docker and kubectl are not available where the tests run, so the deployment files are checked here: every
 * Kubernetes manifest parses into the typed fabric8 model, and the cross-references between files (ports,
 * labels and selectors, config names, probe paths, volume claims) and against the configuration contract hold.
 */
class DeploymentManifestsTest {
    /** The variables the services read (SPEC section 2, as {@link Variable} lists them): the only names they may be given. */
    private static final Set<String> SPEC_VARIABLES = Arrays.stream(Variable.values()).map(Variable::name)
            .collect(Collectors.toSet());
    /** What the services must get from the Secret, never from a committed file. */
    private static final Set<String> SECRET_VARIABLES = Set.of("DATABASE_URL", "REDIS_URL", "SERVICE_TOKEN", "API_KEYS");
    private static final String SECRET = "agent-forge-secrets";
    /** Each service, the variable naming its port, and its port. */
    private static final Map<String, String> PORT_VARIABLES = Map.of(
            "api", "API_SERVICE_PORT", "training", "TRAINING_SERVICE_PORT", "models", "MODEL_SERVICE_PORT",
            "websocket", "WEBSOCKET_SERVICE_PORT", "monitoring", "MONITORING_SERVICE_PORT");
    private static final Map<String, String> URL_VARIABLES = Map.of(
            "training", "TRAINING_SERVICE_URL", "models", "MODEL_SERVICE_URL",
            "websocket", "WEBSOCKET_SERVICE_URL", "monitoring", "MONITORING_SERVICE_URL");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static Path root;
    private static Path kubernetes;
    private static final List<HasMetadata> resources = new ArrayList<>();

    @BeforeAll
    static void readManifests() throws IOException {
        root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("docker-compose.yml"))) {
            root = root.getParent();
        }
        kubernetes = root.resolve("deployment/kubernetes");
        for (var file : kustomizationResources()) {
            for (var document : documents(kubernetes.resolve(file))) {
                resources.add(typed(document, file));
            }
        }
    }

    @Test
    void kustomizationListsEveryManifestAndEveryListedFileExists() throws IOException {
        try (var files = Files.list(kubernetes)) {
            var manifests = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .collect(Collectors.toSet());
            assertThat(Set.copyOf(kustomizationResources())).isEqualTo(manifests);
        }
        assertThat(resources).extracting(r -> r.getMetadata().getNamespace())
                .allMatch(ns -> ns == null || ns.equals("agent-forge"));
    }

    @Test
    void everyServiceHasADeploymentWithHealthProbesResourcesAndItsOwnPort() {
        var config = configMap().getData();
        for (var service : PORT_VARIABLES.keySet()) {
            var deployment = deployment(service);
            var container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
            assertThat(container.getArgs()).as(service + " args").containsExactly("start", service);
            int port = Integer.parseInt(config.get(PORT_VARIABLES.get(service)));
            assertThat(containerPort(container, "http")).as(service + " container port").isEqualTo(port);
            for (Probe probe : List.of(container.getReadinessProbe(), container.getLivenessProbe())) {
                assertThat(probe).as(service + " probes").isNotNull();
                assertThat(probe.getHttpGet().getPath()).isEqualTo("/health");
                assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
            }
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
            assertThat(container.getEnvFrom()).extracting(e -> e.getConfigMapRef() == null ? null
                    : e.getConfigMapRef().getName()).contains(configMap().getMetadata().getName());
            assertThat(container.getEnvFrom()).extracting(e -> e.getSecretRef() == null ? null
                    : e.getSecretRef().getName()).contains(SECRET);
        }
    }

    @Test
    void selectorsMatchTemplateLabelsAndServicesReachANamedContainerPort() {
        for (var deployment : all(Deployment.class)) {
            var labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(labels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        }
        for (var service : all(Service.class)) {
            var targets = all(Deployment.class).stream()
                    .filter(d -> d.getSpec().getTemplate().getMetadata().getLabels()
                            .entrySet().containsAll(service.getSpec().getSelector().entrySet()))
                    .toList();
            assertThat(targets).as("deployments selected by service " + service.getMetadata().getName()).hasSize(1);
            var container = targets.getFirst().getSpec().getTemplate().getSpec().getContainers().getFirst();
            for (var port : service.getSpec().getPorts()) {
                assertThat(containerPort(container, port.getTargetPort().getStrVal()))
                        .as("service " + service.getMetadata().getName()).isEqualTo(port.getPort());
            }
        }
    }

    @Test
    void configUsesOnlySpecVariablesAndItsUrlsNameRealServicesAndPorts() {
        var config = configMap().getData();
        assertThat(SPEC_VARIABLES).containsAll(config.keySet()).containsAll(SECRET_VARIABLES);
        assertThat(config).doesNotContainKeys(SECRET_VARIABLES.toArray(String[]::new));
        assertThat(config.get("BIND_ADDRESS")).as("reachable by the other pods").isEqualTo("0.0.0.0");
        URL_VARIABLES.forEach((service, variable) -> {
            var url = URI.create(config.get(variable));
            var k8sService = all(Service.class).stream()
                    .filter(s -> s.getMetadata().getName().equals(url.getHost())).findFirst().orElseThrow();
            assertThat(k8sService.getSpec().getPorts().getFirst().getPort()).isEqualTo(url.getPort());
            assertThat(url.getHost()).isEqualTo(service);
        });
    }

    @Test
    void noSecretIsCommittedAndTheScriptCreatesEveryKeyTheDeploymentsRead() throws IOException {
        assertThat(all(Secret.class)).as("secrets are created by create-secrets.sh, not committed").isEmpty();
        try (var files = Files.walk(root.resolve("deployment"))) {
            assertThat(files.filter(Files::isRegularFile).map(Path::toString)).noneMatch(f -> f.endsWith("secret.yaml"));
        }
        var script = Files.readString(kubernetes.resolve("create-secrets.sh"));
        var created = new java.util.TreeSet<String>();
        var literal = java.util.regex.Pattern.compile("--from-literal=([A-Z_]+)=").matcher(script);
        while (literal.find()) {
            created.add(literal.group(1));
        }
        assertThat(created).containsAll(SECRET_VARIABLES).contains("POSTGRES_PASSWORD", "REDIS_PASSWORD");
        assertThat(script).contains("openssl rand").doesNotContain("change-me");
        for (var deployment : all(Deployment.class)) {
            for (var container : deployment.getSpec().getTemplate().getSpec().getContainers()) {
                if (container.getEnv() != null) {
                    container.getEnv().stream().filter(e -> e.getValueFrom() != null)
                            .map(e -> e.getValueFrom().getSecretKeyRef())
                            .forEach(ref -> {
                                assertThat(ref.getName()).isEqualTo(SECRET);
                                assertThat(created).contains(ref.getKey());
                            });
                }
                if (container.getEnvFrom() != null) {
                    container.getEnvFrom().stream().filter(e -> e.getSecretRef() != null)
                            .forEach(e -> assertThat(e.getSecretRef().getName()).isEqualTo(SECRET));
                }
            }
        }
    }

    @Test
    void everyContainerRunsAsNonRootWithoutPrivilegeEscalationOnAReadOnlyRootWithNoCapabilities() {
        for (var deployment : all(Deployment.class)) {
            var pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(deployment.getMetadata().getName()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            for (var container : pod.getContainers()) {
                var context = container.getSecurityContext();
                assertThat(context).as(container.getName()).isNotNull();
                assertThat(context.getRunAsNonRoot()).as(container.getName()).isTrue();
                assertThat(context.getAllowPrivilegeEscalation()).as(container.getName()).isFalse();
                assertThat(context.getReadOnlyRootFilesystem()).as(container.getName()).isTrue();
                assertThat(context.getCapabilities().getDrop()).as(container.getName()).containsExactly("ALL");
                assertThat(context.getCapabilities().getAdd()).as(container.getName()).isNullOrEmpty();
                // A read-only root needs somewhere to write: every agent-forge container has /tmp.
                if (container.getImage().startsWith("agent-forge")) {
                    assertThat(container.getVolumeMounts()).extracting(m -> m.getMountPath()).contains("/tmp", "/data");
                }
            }
        }
    }

    @Test
    void redisRequiresAPasswordFromTheSecretAndKeepsItsDataOnAVolume() {
        var redis = deployment("redis");
        var container = redis.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(String.join(" ", container.getArgs())).contains("--requirepass $(REDIS_PASSWORD)", "--appendonly yes");
        assertThat(container.getEnv()).anyMatch(e -> e.getName().equals("REDIS_PASSWORD")
                && e.getValueFrom().getSecretKeyRef().getKey().equals("REDIS_PASSWORD"));
        var dataMount = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/data")).findFirst()
                .orElseThrow();
        var volume = redis.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(dataMount.getName())).findFirst().orElseThrow();
        assertThat(volume.getPersistentVolumeClaim().getClaimName()).isEqualTo("redis-data");
    }

    @Test
    void networkPoliciesDenyByDefaultAndAdmitOnlyTheCallersOfEachService() {
        var policies = all(NetworkPolicy.class);
        assertThat(policies).anySatisfy(policy -> {
            assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(policy.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
            assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(policy.getSpec().getIngress()).isNullOrEmpty();
            assertThat(policy.getSpec().getEgress()).isNullOrEmpty();
        });
        // Every Deployment is admitted by some policy, and each named port exists on the pods it selects.
        for (var deployment : all(Deployment.class)) {
            var name = deployment.getMetadata().getName();
            var container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
            var admitting = policies.stream().filter(p -> selects(p.getSpec().getPodSelector(), name))
                    .filter(p -> p.getSpec().getIngress() != null && !p.getSpec().getIngress().isEmpty()).toList();
            assertThat(admitting).as("policies admitting traffic to " + name).isNotEmpty();
            admitting.forEach(p -> p.getSpec().getIngress().forEach(rule -> rule.getPorts().forEach(port ->
                    containerPort(container, port.getPort().getStrVal()))));
        }
        assertThat(callersOf("postgres", policies)).containsExactlyInAnyOrder("training", "models", "monitoring");
        assertThat(callersOf("training", policies)).containsExactlyInAnyOrder("api", "monitoring", "prometheus");
        assertThat(callersOf("models", policies)).containsExactlyInAnyOrder("api", "training", "monitoring", "prometheus");
        assertThat(callersOf("redis", policies)).doesNotContain("postgres", "prometheus");
    }

    /** The app names of the pods admitted to a deployment's pods, over every policy that selects it. */
    private static Set<String> callersOf(String name, List<NetworkPolicy> policies) {
        var callers = new java.util.TreeSet<String>();
        policies.stream().filter(p -> selects(p.getSpec().getPodSelector(), name) && p.getSpec().getIngress() != null)
                .flatMap(p -> p.getSpec().getIngress().stream())
                .flatMap(rule -> rule.getFrom() == null ? java.util.stream.Stream.of((NetworkPolicyPeer) null) : rule.getFrom().stream())
                .forEach(peer -> {
                    if (peer == null || peer.getPodSelector() == null) {
                        callers.add("*");
                        return;
                    }
                    var selector = peer.getPodSelector();
                    if (selector.getMatchLabels() != null && selector.getMatchLabels().containsKey("app.kubernetes.io/name")) {
                        callers.add(selector.getMatchLabels().get("app.kubernetes.io/name"));
                    }
                    if (selector.getMatchExpressions() != null) {
                        selector.getMatchExpressions().forEach(e -> callers.addAll(e.getValues()));
                    }
                });
        return callers;
    }

    private static boolean selects(LabelSelector selector, String name) {
        if (selector.getMatchLabels() != null && !selector.getMatchLabels().isEmpty()) {
            return name.equals(selector.getMatchLabels().get("app.kubernetes.io/name"));
        }
        if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
            return selector.getMatchExpressions().stream().allMatch(e -> e.getValues().contains(name));
        }
        return true;
    }

    @Test
    void volumeClaimsAutoscalersAndDisruptionBudgetsPointAtThingsThatExist() {
        var claims = all(PersistentVolumeClaim.class).stream().map(c -> c.getMetadata().getName()).toList();
        for (var deployment : all(Deployment.class)) {
            var volumes = deployment.getSpec().getTemplate().getSpec().getVolumes();
            if (volumes != null) {
                volumes.stream().filter(v -> v.getPersistentVolumeClaim() != null)
                        .forEach(v -> assertThat(claims).contains(v.getPersistentVolumeClaim().getClaimName()));
            }
        }
        var autoscaled = all(HorizontalPodAutoscaler.class).stream()
                .map(h -> h.getSpec().getScaleTargetRef().getName()).toList();
        assertThat(autoscaled).containsExactlyInAnyOrder("api", "training");
        autoscaled.forEach(name -> deployment(name));
        for (var budget : all(PodDisruptionBudget.class)) {
            var selector = budget.getSpec().getSelector().getMatchLabels();
            assertThat(all(Deployment.class)).anyMatch(d -> d.getSpec().getTemplate().getMetadata().getLabels()
                    .entrySet().containsAll(selector.entrySet()));
        }
        assertThat(all(Namespace.class)).extracting(n -> n.getMetadata().getName()).containsExactly("agent-forge");
    }

    @Test
    void composeRunsEveryServiceWithSpecConfigHealthchecksAndHealthyDependencies() throws IOException {
        var compose = YAML.readTree(root.resolve("docker-compose.yml").toFile()).get("services");
        var env = new Properties();
        try (var in = Files.newBufferedReader(root.resolve("deployment/compose/agent-forge.env"))) {
            env.load(in);
        }
        assertThat(SPEC_VARIABLES).containsAll(env.stringPropertyNames().stream().map(String::valueOf).toList());
        for (var service : PORT_VARIABLES.keySet()) {
            var node = compose.get(service);
            assertThat(node).as("compose service " + service).isNotNull();
            assertThat(node.get("command").get(1).asText()).isEqualTo(service);
            assertThat(node.get("env_file").get(0).asText()).isEqualTo("deployment/compose/agent-forge.env");
            assertThat(node.get("environment").get("SERVICE_NAME").asText()).isEqualTo(service);
            assertThat(node.get("healthcheck").get("test").toString()).contains("healthcheck");
            node.get("depends_on").fields().forEachRemaining(dependency -> {
                assertThat(compose.has(dependency.getKey())).as(service + " depends on " + dependency.getKey()).isTrue();
                assertThat(dependency.getValue().get("condition").asText()).isEqualTo("service_healthy");
            });
        }
        URL_VARIABLES.forEach((service, variable) -> {
            var url = URI.create(env.getProperty(variable));
            assertThat(compose.has(url.getHost())).as(variable).isTrue();
            assertThat(String.valueOf(url.getPort())).isEqualTo(env.getProperty(PORT_VARIABLES.get(url.getHost())));
        });
        for (var backing : List.of("REDIS_URL", "DATABASE_URL")) {
            assertThat(compose.has(URI.create(env.getProperty(backing)).getHost())).as(backing).isTrue();
        }
    }

    @Test
    void kubernetesAndComposeWaitLongerThanTheTrainingServiceNeedsToHandItsJobsBack() throws IOException {
        var handBack = io.agentforge.training.jobs.SchedulerSettings.defaults(1, Path.of("data")).handBackLimit();
        var pod = deployment("training").getSpec().getTemplate().getSpec();
        assertThat(pod.getTerminationGracePeriodSeconds()).as("terminationGracePeriodSeconds of training")
                .isGreaterThan(handBack.toSeconds() + 5);
        var compose = YAML.readTree(root.resolve("docker-compose.yml").toFile()).get("services");
        var grace = compose.get("training").path("stop_grace_period").asText();
        assertThat(grace).as("stop_grace_period of training").matches("\\d+s");
        assertThat(Long.parseLong(grace.replace("s", ""))).isGreaterThan(handBack.toSeconds() + 5);
    }

    @Test
    void prometheusScrapesEveryServiceOnItsPort() throws IOException {
        var prometheus = YAML.readTree(root.resolve("deployment/prometheus/prometheus.yml").toFile());
        var job = prometheus.get("scrape_configs").get(0);
        assertThat(job.get("metrics_path").asText()).isEqualTo("/metrics");
        var targets = new ArrayList<String>();
        job.get("static_configs").get(0).get("targets").forEach(t -> targets.add(t.asText()));
        var config = configMap().getData();
        var expected = PORT_VARIABLES.entrySet().stream()
                .map(e -> e.getKey() + ":" + config.get(e.getValue())).toList();
        assertThat(targets).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static List<String> kustomizationResources() throws IOException {
        var resources = new ArrayList<String>();
        YAML.readTree(kubernetes.resolve("kustomization.yaml").toFile()).get("resources")
                .forEach(r -> resources.add(r.asText()));
        return resources;
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        var documents = new ArrayList<JsonNode>();
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
            var iterator = YAML.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                var node = iterator.next();
                if (node != null && !node.isEmpty()) {
                    documents.add(node);
                }
            }
        }
        return documents;
    }

    private static final Map<String, Class<? extends HasMetadata>> KINDS = new HashMap<>(Map.of(
            "Namespace", Namespace.class, "ConfigMap", ConfigMap.class, "Secret", Secret.class,
            "PersistentVolumeClaim", PersistentVolumeClaim.class, "Deployment", Deployment.class,
            "Service", Service.class, "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "PodDisruptionBudget", PodDisruptionBudget.class, "NetworkPolicy", NetworkPolicy.class));

    /** Parses one document into its typed class; a misspelt field anywhere fails (unknown properties are errors). */
    private static HasMetadata typed(JsonNode document, String file) throws IOException {
        var kind = document.path("kind").asText();
        assertThat(KINDS).as("kind " + kind + " in " + file).containsKey(kind);
        var value = YAML.treeToValue(document, KINDS.get(kind));
        assertThat(unknownFields(value, kind)).as("unknown fields in " + file).isEmpty();
        // A round trip through the typed model must keep every field the file had.
        var again = (ObjectNode) YAML.valueToTree(value);
        assertThat(fieldPaths(again, "")).as("fields of " + kind + " in " + file)
                .containsAll(fieldPaths(document, ""));
        return value;
    }

    /** Fields the typed model did not recognise (fabric8 keeps them aside instead of failing), anywhere in the tree. */
    private static List<String> unknownFields(Object value, String path) {
        var unknown = new ArrayList<String>();
        if (value == null || !value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return unknown;
        }
        for (var method : value.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || !method.getName().startsWith("get")
                    || method.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = method.invoke(value);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (method.getName().equals("getAdditionalProperties") && child instanceof Map<?, ?> extra) {
                extra.keySet().forEach(k -> unknown.add(path + "/" + k));
            } else if (child instanceof List<?> list) {
                list.forEach(item -> unknown.addAll(unknownFields(item, path + "/" + method.getName())));
            } else if (child instanceof Map<?, ?> map) {
                map.values().forEach(item -> unknown.addAll(unknownFields(item, path + "/" + method.getName())));
            } else {
                unknown.addAll(unknownFields(child, path + "/" + method.getName()));
            }
        }
        return unknown;
    }

    private static Set<String> fieldPaths(JsonNode node, String prefix) {
        var paths = new java.util.TreeSet<String>();
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                paths.add(prefix + "/" + e.getKey());
                paths.addAll(fieldPaths(e.getValue(), prefix + "/" + e.getKey()));
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                paths.addAll(fieldPaths(node.get(i), prefix + "[" + i + "]"));
            }
        }
        return paths;
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static Deployment deployment(String name) {
        return all(Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + name));
    }

    private static ConfigMap configMap() {
        return all(ConfigMap.class).getFirst();
    }


    private static int containerPort(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("container " + container.getName() + " has no port " + name))
                .getContainerPort();
    }
}
