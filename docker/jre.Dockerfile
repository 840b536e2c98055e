# A Java 17 runtime on a Debian image built locally (CI and machines without an image registry):
#   debootstrap --variant=minbase bookworm rootfs http://deb.debian.org/debian
#   tar -C rootfs -c . | docker import - fleetstream-base/debian:bookworm
#   docker build -f docker/jre.Dockerfile -t fleetstream-base/jre:17 docker
ARG DEBIAN_IMAGE=fleetstream-base/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates \
 && rm -rf /var/lib/apt/lists/*
CMD ["java", "-version"]
