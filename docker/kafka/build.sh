#!/usr/bin/env bash
# Builds the apache/kafka image from the Kafka jars on Maven Central.
#   BASE_IMAGE   Java 17 base image      (default fleetstream-base/jre:17)
#   KAFKA_IMAGE  tag of the built image  (default apache/kafka:<kafka.version>)
#   KAFKA_VERSION                        (default: <kafka.version> of the root pom.xml)
#   FORCE=1      build even when the image is up to date
# The build is skipped when an image with the tag already carries the label
# org.fleetstream.kafka-image.inputs with the hash of this directory's build
# inputs, the Kafka version and the base image.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "${here}/../.." && pwd)

if [ -z "${KAFKA_VERSION:-}" ]; then
  KAFKA_VERSION=$(sed -n 's:.*<kafka\.version>[[:space:]]*\([^<[:space:]]*\)[[:space:]]*</kafka\.version>.*:\1:p' "${root}/pom.xml" | head -n 1)
fi
KAFKA_VERSION=${KAFKA_VERSION:-4.1.1}
BASE_IMAGE=${BASE_IMAGE:-fleetstream-base/jre:17}
KAFKA_IMAGE=${KAFKA_IMAGE:-apache/kafka:${KAFKA_VERSION}}
label=org.fleetstream.kafka-image.inputs

# the base image's id when it is local, so that a rebuilt base triggers a rebuild
base_id=$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE" 2>/dev/null || echo "$BASE_IMAGE")

inputs_hash=$(
  cd "$here"
  {
    echo "kafka.version=${KAFKA_VERSION}"
    echo "base=${BASE_IMAGE} ${base_id}"
    find Dockerfile .dockerignore pom.xml build.sh bin docker -type f -printf '%m %p\n' | LC_ALL=C sort
    find Dockerfile .dockerignore pom.xml build.sh bin docker -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-64
)

current=$(docker image inspect -f "{{ index .Config.Labels \"${label}\" }}" "$KAFKA_IMAGE" 2>/dev/null || true)
if [ "${FORCE:-0}" != 1 ] && [ "$current" = "$inputs_hash" ]; then
  echo "${KAFKA_IMAGE} is up to date (${label}=${inputs_hash:0:12}); not rebuilding"
  exit 0
fi

echo "Gathering Kafka ${KAFKA_VERSION} jars from Maven Central"
rm -rf "${here}/target/libs"
mvn -B -q -f "${here}/pom.xml" package -Dkafka.version="${KAFKA_VERSION}"

echo "Building ${KAFKA_IMAGE} from ${BASE_IMAGE}"
docker build \
  --build-arg BASE_IMAGE="${BASE_IMAGE}" \
  --build-arg KAFKA_VERSION="${KAFKA_VERSION}" \
  --build-arg BUILD_INPUTS_HASH="${inputs_hash}" \
  -t "${KAFKA_IMAGE}" \
  "$here"
echo "Built ${KAFKA_IMAGE} (${label}=${inputs_hash:0:12})"
