#!/usr/bin/env bash
# Builds the images fleetstream's containers stand on where no image registry is reachable (CI, these machines):
#   fleetstream-base/debian:bookworm   a Debian rootfs made with debootstrap and imported
#   fleetstream-base/jre:17            that plus a Java 17 runtime (docker/jre.Dockerfile)
#   apache/kafka:<kafka.version>       a Kafka image honouring the official image's contract (docker/kafka/)
# Each is rebuilt only when missing or when its inputs changed (a hash in an image label), so a second run on the
# same machine takes seconds. Needs a running Docker engine, debootstrap and Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_IMAGE=${DEBIAN_IMAGE:-fleetstream-base/debian:bookworm}
JRE_IMAGE=${JRE_IMAGE:-fleetstream-base/jre:17}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

label_of() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

if ! docker image inspect "$DEBIAN_IMAGE" >/dev/null 2>&1; then
  echo "==> $DEBIAN_IMAGE: debootstrap bookworm from $DEBIAN_MIRROR"
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
else
  echo "==> $DEBIAN_IMAGE: present"
fi

jre_hash=$( (cat docker/jre.Dockerfile; docker image inspect --format '{{.Id}}' "$DEBIAN_IMAGE") | sha256sum | cut -c1-16)
if [ "$(label_of "$JRE_IMAGE" io.fleetstream.inputs)" != "$jre_hash" ]; then
  echo "==> $JRE_IMAGE: building"
  docker build --network host -q --label "io.fleetstream.inputs=$jre_hash" --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" \
    -f docker/jre.Dockerfile -t "$JRE_IMAGE" docker >/dev/null
else
  echo "==> $JRE_IMAGE: up to date"
fi

BASE_IMAGE="$JRE_IMAGE" bash docker/kafka/build.sh
