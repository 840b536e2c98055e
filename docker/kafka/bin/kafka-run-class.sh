#!/usr/bin/env bash
# Runs a Java main class with /opt/kafka/libs on the class path:
#   kafka-run-class.sh [-name NAME] [-daemon] <main class> [args...]
# (-name/-daemon are accepted for compatibility with Kafka's script; -daemon is
# ignored: everything runs in the foreground.)
#
# The JVM is configured through the launcher variables of Kafka's distribution:
#   KAFKA_HEAP_OPTS             default -Xmx256m (kafka-server-start.sh: -Xmx512m)
#   KAFKA_JVM_PERFORMANCE_OPTS  default: see below
#   KAFKA_GC_LOG_OPTS           none by default
#   KAFKA_JMX_OPTS, JMX_PORT    JMX only when JMX_PORT is set
#   KAFKA_LOG4J_OPTS            default -Dlog4j2.configurationFile=<config>/tools-log4j2.properties
#   KAFKA_DEBUG                 any value: JDWP agent on JAVA_DEBUG_PORT (default 5005),
#                               DEBUG_SUSPEND_FLAG (y|n, default n)
#   KAFKA_OPTS                  appended last
#   CLASSPATH                   prepended to the libs
set -euo pipefail

KAFKA_HOME=${KAFKA_HOME:-/opt/kafka}

while [ $# -gt 0 ]; do
  case "$1" in
    -name) shift 2 ;;
    -daemon) shift ;;
    -loggc) shift ;;
    *) break ;;
  esac
done
if [ $# -lt 1 ]; then
  echo "usage: $0 [-name NAME] [-daemon] <main class> [args...]" >&2
  exit 1
fi
main=$1
shift

cp="${KAFKA_HOME}/libs/*"
if [ -n "${CLASSPATH:-}" ]; then
  cp="${CLASSPATH}:${cp}"
fi

if [ -n "${JAVA_HOME:-}" ] && [ -x "${JAVA_HOME}/bin/java" ]; then
  java="${JAVA_HOME}/bin/java"
else
  java=java
fi

heap=${KAFKA_HEAP_OPTS:--Xmx256m}
perf=${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true}
log4j=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=${KAFKA_HOME}/config/tools-log4j2.properties}

jmx=""
if [ -n "${JMX_PORT:-}" ]; then
  jmx="${KAFKA_JMX_OPTS:--Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false}"
  jmx="$jmx -Dcom.sun.management.jmxremote.port=${JMX_PORT} -Dcom.sun.management.jmxremote.rmi.port=${JMX_PORT}"
  if [ -n "${KAFKA_JMX_HOSTNAME:-}" ]; then
    jmx="$jmx -Djava.rmi.server.hostname=${KAFKA_JMX_HOSTNAME}"
  fi
elif [ -n "${KAFKA_JMX_OPTS:-}" ]; then
  jmx="${KAFKA_JMX_OPTS}"
fi

debug=""
if [ -n "${KAFKA_DEBUG:-}" ]; then
  debug="-agentlib:jdwp=transport=dt_socket,server=y,suspend=${DEBUG_SUSPEND_FLAG:-n},address=*:${JAVA_DEBUG_PORT:-5005}"
fi

# The option variables hold several words each: split them on whitespace, on purpose.
# shellcheck disable=SC2086
exec "$java" $heap $perf ${KAFKA_GC_LOG_OPTS:-} $jmx $debug $log4j ${KAFKA_OPTS:-} \
  -cp "$cp" "$main" "$@"
