#!/usr/bin/env bash
# The docker-compose stack tried as a user would: up, wait until healthy, post one of emnify's example events to
# the webhook with curl, find it in its category topic (a plain console consumer), in the registry and through the
# query API, restart the topology and query again (its state is on the named volume), then take everything down.
#
#   docker/compose-smoke.sh                      # with Confluent's Schema Registry (needs its image)
#   docker/compose-smoke.sh --fleetstream-registry   # with fleetstream's own registry (docker-compose.registry.yml)
#
# Uses free host ports and its own compose project, so it runs beside anything else. Needs the fleetstream jar
# (mvn package) and, where no registry is reachable, FLEETSTREAM_BASE_IMAGE and a local apache/kafka image
# (docker/base-images.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

files=(-f docker-compose.yml)
if [ "${1:-}" = "--fleetstream-registry" ]; then
  files+=(-f docker-compose.registry.yml)
fi
if command -v docker-compose >/dev/null 2>&1; then compose_cmd=(docker-compose); else compose_cmd=(docker compose); fi
project="fleetstream-smoke-$$"
compose() { "${compose_cmd[@]}" -p "$project" "${files[@]}" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
step() { printf '==> %s\n' "$*"; }

INGEST_PORT=$(free_port); QUERY_PORT=$(free_port); REGISTRY_PORT=$(free_port); KAFKA_PORT=$(free_port)
FLEETSTREAM_WEBHOOK_TOKEN="smoke-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export INGEST_PORT QUERY_PORT REGISTRY_PORT KAFKA_PORT FLEETSTREAM_WEBHOOK_TOKEN

finish() {
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "compose smoke test FAILED; the stack's state and last logs:"
    compose ps || true
    compose logs --no-color --tail=60 || true
  fi
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  exit "$status"
}
trap finish EXIT

# waits until a service's container reports healthy (its compose healthcheck)
await_healthy() {
  local service=$1 deadline=$((SECONDS + ${2:-240})) id status
  while :; do
    id=$(compose ps -q "$service")
    status=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null || echo missing)
    [ "$status" = healthy ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then echo "$service is $status after waiting"; return 1; fi
    sleep 2
  done
}

# polls a command until its output contains a string
await_output() {
  local want=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds)) out=""
  while :; do
    out=$("$@" 2>/dev/null | tr -d '\000' || true)
    case "$out" in *"$want"*) printf '%s\n' "$out"; return 0 ;; esac
    if [ "$SECONDS" -ge "$deadline" ]; then echo "no '$want' after ${seconds}s in: $out"; return 1; fi
    sleep 2
  done
}

step "validate: ${compose_cmd[*]} ${files[*]} config"
compose config -q

step "build and start (project $project; ingest :$INGEST_PORT, query :$QUERY_PORT, registry :$REGISTRY_PORT, kafka :$KAFKA_PORT)"
started=$SECONDS
compose build -q
compose up -d
for service in kafka schema-registry ingest topology; do
  await_healthy "$service"
done
step "all four services healthy after $((SECONDS - started)) s"

example=schemas/src/test/resources/examples/006-3-create-pdp-accepted-docs.json
step "POST $example without the token: 401"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "localhost:$INGEST_PORT/v1/events" \
  -H 'Content-Type: application/json' --data-binary @"$example")
[ "$code" = 401 ] || { echo "expected 401, got $code"; exit 1; }

# stamped now: history keeps 90 days counted from each event's own time, and the example is from 2021
step "POST $example, stamped now, with the token"
answer=$(sed "s/2021-10-27T08:38:02.000Z/$(date -u +%FT%T.000Z)/" "$example" | curl -sS -X POST \
  "localhost:$INGEST_PORT/v1/events" -H "Authorization: Bearer $FLEETSTREAM_WEBHOOK_TOKEN" \
  -H 'Content-Type: application/json' --data-binary @-)
echo "$answer"
[ "$answer" = '{"accepted":1,"dead_lettered":0}' ] || { echo "unexpected answer"; exit 1; }

step "the event in emnify.events.data-connection (console consumer in the kafka container)"
await_output 'Create PDP Context' 60 compose exec -T kafka /opt/kafka/bin/kafka-console-consumer.sh \
  --bootstrap-server localhost:9092 --topic emnify.events.data-connection --from-beginning --max-messages 1 \
  --timeout-ms 10000 | tr -c '[:print:]\n' '.' | tail -c 200
echo

step "its schema in the registry"
await_output 'emnify.events.data-connection-value' 30 curl -fsS "localhost:$REGISTRY_PORT/subjects"

step "GET /v1/devices/20200078/events"
await_output '31877325941' 60 curl -fsS "localhost:$QUERY_PORT/v1/devices/20200078/events"

step "GET /v1/devices/20200078 (device state shows once the event-time lateness bound has passed)"
await_output '"ONLINE"' 120 curl -fsS "localhost:$QUERY_PORT/v1/devices/20200078"

step "restart the topology: state comes back from the named volume"
compose restart topology >/dev/null
await_healthy topology
await_output '"ONLINE"' 60 curl -fsS "localhost:$QUERY_PORT/v1/devices/20200078"

step "compose smoke test passed in $((SECONDS - started)) s"
