#!/usr/bin/python3
"""Reads a fleetstream topic with Confluent's own Python client, decoding every value through the
Schema Registry: the proof that a consumer fleetstream did not write understands its records.

Usage: read_topic.py <bootstrap> <registry-url> <topic> <expected-count> [timeout-seconds]
Prints one JSON object per record: {"key", "schema_id", "subject_schema_name", "value"}.
Exits 1 when fewer than expected-count records arrive in time.
"""
import io
import json
import struct
import sys
import time

import avro.io
import avro.schema
from confluent_kafka import Consumer
from confluent_kafka.schema_registry import SchemaRegistryClient


def main():
    bootstrap, registry_url, topic, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 30.0
    registry = SchemaRegistryClient({"url": registry_url})
    schemas = {}
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "fleetstream-python-interop",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    consumer.subscribe([topic])
    seen = 0
    deadline = time.time() + timeout
    try:
        while seen < expected and time.time() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                raise SystemExit("consumer error: %s" % msg.error())
            raw = msg.value()
            magic, schema_id = struct.unpack(">bI", raw[:5])
            if magic != 0:
                raise SystemExit("record at offset %d has magic byte %d, not 0" % (msg.offset(), magic))
            if schema_id not in schemas:
                schemas[schema_id] = avro.schema.parse(registry.get_schema(schema_id).schema_str)
            schema = schemas[schema_id]
            value = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(raw[5:])))
            print(json.dumps({
                "key": msg.key().decode("utf-8") if msg.key() is not None else None,
                "schema_id": schema_id,
                "schema_name": schema.fullname,
                "value": value,
            }, default=str), flush=True)
            seen += 1
    finally:
        consumer.close()
    if seen < expected:
        print("only %d of %d records arrived within %.0f s" % (seen, expected, timeout), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
