package io.fleetstream.app.containers;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * What the container tests need from the machine: a Docker engine, the Kafka image, and the fleetstream image built
 * from this build's jar. Without an engine they are skipped with the reason, except in CI ({@code CI=true}), where
 * they must run.
 */
final class Docker {

    private static final String BUILT_IMAGE = "fleetstream:it";
    private static String fleetstreamImage;

    private Docker() {
    }

    /** Skips the calling test class (fails it in CI) when no Docker engine answers. */
    static void require() {
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            available = false;
        }
        if (!available) {
            String reason = "no Docker engine answers (DOCKER_HOST or /var/run/docker.sock): the container tests need one";
            if (new java.io.File("/.dockerenv").exists() && System.getenv("TESTCONTAINERS_HOST_OVERRIDE") == null) {
                // Testcontainers in a container looks for the gateway with an alpine container, which needs a registry
                reason += "; in a container, set TESTCONTAINERS_HOST_OVERRIDE (localhost when dockerd runs in it too)";
            }
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason + " (CI=true: .ci/run installs and starts one)");
            }
            abort(reason);
        }
    }

    /**
     * The broker image: {@code FLEETSTREAM_KAFKA_IMAGE}, else the build's {@code fleetstream.kafka.image} (the
     * official {@code apache/kafka} at the project's Kafka version), declared compatible for images built elsewhere.
     */
    static DockerImageName kafkaImage() {
        return DockerImageName.parse(setting("FLEETSTREAM_KAFKA_IMAGE", "fleetstream.kafka.image", "apache/kafka:4.1.1"))
                .asCompatibleSubstituteFor("apache/kafka");
    }

    /**
     * The fleetstream image, built once per test run from the repository's Dockerfile and this build's jar, on
     * {@code FLEETSTREAM_BASE_IMAGE} (else the Dockerfile's default, a public JRE 17 image).
     */
    static synchronized String fleetstreamImage() {
        if (fleetstreamImage == null) {
            Path repository = Path.of(setting("FLEETSTREAM_REPOSITORY", "fleetstream.repository", ".."));
            Path jar = Path.of(setting("FLEETSTREAM_JAR", "fleetstream.jar", "target/fleetstream.jar"));
            if (!Files.isRegularFile(jar)) {
                fail("the fleetstream jar " + jar.toAbsolutePath() + " is missing: run the container tests with `mvn verify`");
            }
            // the context is only what the Dockerfile copies (as .dockerignore keeps it for a docker build)
            fleetstreamImage = new ImageFromDockerfile(BUILT_IMAGE, false)
                    .withFileFromPath("Dockerfile", repository.resolve("Dockerfile"))
                    .withFileFromPath("app/target/fleetstream.jar", jar)
                    .withBuildArg("BASE_IMAGE", setting("FLEETSTREAM_BASE_IMAGE", "fleetstream.base.image", "eclipse-temurin:17-jre"))
                    .get();
        }
        return fleetstreamImage;
    }

    private static String setting(String variable, String property, String fallback) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            value = System.getProperty(property);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
