# fleetstream: one image, the role is the command (ingest, topology, local, simulate, reset, clean).
#   mvn -B -q package -DskipTests && docker build -t fleetstream:0.1.0 .
#   docker run --rm -p 8080:8080 fleetstream:0.1.0 ingest --bootstrap-servers kafka:9092 --schema-registry-url http://registry:8081
# The base image is any Debian- or Ubuntu-based Java 17 runtime; where no image registry is reachable, build one
# locally (docker/jre.Dockerfile) and pass it: --build-arg BASE_IMAGE=fleetstream-base/jre:17
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

# curl answers the health check; nothing else is added to the runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/fleetstream --create-home fleetstream

COPY app/target/fleetstream.jar /app/fleetstream.jar

# Kafka Streams' RocksDB stores and local mode's data live here; mount a volume to keep them across restarts
ENV FLEETSTREAM_STATE_DIR=/var/lib/fleetstream/streams \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
VOLUME ["/var/lib/fleetstream"]
WORKDIR /var/lib/fleetstream
USER 10001

# 8080: ingest (webhook), 8090: topology (query API), 8081: registry; each serves /health/live and /health/ready, and
# the health check asks whichever of the three default ports this role listens on
EXPOSE 8080 8081 8090
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/ready >/dev/null 2>&1 || curl -fsS http://127.0.0.1:8090/health/ready >/dev/null 2>&1 \
   || curl -fsS http://127.0.0.1:8081/health/ready >/dev/null || exit 1

ENTRYPOINT ["java", "-jar", "/app/fleetstream.jar"]
CMD ["--help"]
