package io.fleetstream.topology.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetstream.schemas.LogFields;
import io.fleetstream.schemas.json.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Which copy of which partition answers a question, over {@link Cluster} (who owns what) and
 * {@link PeerClient} (asking another instance); no HTTP server types, so it is tested without one.
 *
 * <p>A question about one key is answered here if this instance holds the key's partition, else
 * forwarded to the instance that does. A question about the whole fleet is gathered from every
 * partition: this instance's own read here, the others' asked for in parallel. A partition whose
 * active owner cannot be reached is asked of its standbys in turn (this instance's own first), and
 * the answer then says it may be stale.
 *
 * <p>Requests between instances carry {@value #PARTITIONS_HEADER}: the partitions to answer for from
 * this instance's own stores. Such a request is never forwarded again, so forwarding cannot loop,
 * and it is answered from exactly those partitions or refused (the partition moved), never from
 * whatever this instance happens to hold. When no copy of a partition can answer, or another
 * instance answers 503, the question fails with {@link NotQueryableException}; any other error from
 * another instance is a {@link PeerFailureException}.
 */
final class QueryRouter {

    /** Partitions (comma-separated) a request between instances asks this instance to answer for. */
    static final String PARTITIONS_HEADER = "X-Fleetstream-Partitions";
    /** On a request between instances: a standby copy may answer. */
    static final String ACCEPT_STALE_HEADER = "X-Fleetstream-Accept-Stale";
    /** On an answer: it came from a standby copy and may lag behind the active one. */
    static final String STALE_HEADER = "X-Fleetstream-Stale";
    private static final Duration UNREACHABLE_LOG_INTERVAL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(QueryRouter.class);

    /**
     * A question as the router sees it.
     *
     * @param pathAndQuery what to ask another instance, as the client asked it
     * @param partitions   present when another instance sent it: the partitions to answer for from
     *                     this instance's own stores ({@value #PARTITIONS_HEADER})
     * @param acceptStale  another instance sent it and a standby copy may answer
     */
    record Request(String pathAndQuery, Optional<List<Integer>> partitions, boolean acceptStale) {

        Request {
            Objects.requireNonNull(pathAndQuery, "pathAndQuery");
            partitions = partitions.map(List::copyOf);
        }

        /** A client's question, not sent by another instance. */
        static Request fromClient(String pathAndQuery) {
            return new Request(pathAndQuery, Optional.empty(), false);
        }

        /** Reads the routing headers of a request, looked up with {@code header} (null when absent). */
        static Request of(String path, String query, UnaryOperator<String> header) {
            String pathAndQuery = path + (query == null || query.isEmpty() ? "" : "?" + query);
            String partitionsHeader = header.apply(PARTITIONS_HEADER);
            if (partitionsHeader == null) {
                return fromClient(pathAndQuery);
            }
            List<Integer> partitions = new ArrayList<>();
            for (String item : partitionsHeader.split(",")) {
                partitions.add(RequestParameters.integerValue(PARTITIONS_HEADER, item.trim(), 0, Integer.MAX_VALUE));
            }
            return new Request(pathAndQuery, Optional.of(partitions), "true".equalsIgnoreCase(header.apply(ACCEPT_STALE_HEADER)));
        }

        /** Sent by another instance: answered from this instance's stores, never forwarded again. */
        boolean internal() {
            return partitions.isPresent();
        }
    }

    /** What this instance answers from its own stores. */
    record Answer(int status, JsonNode body, Map<String, String> headers) {

        static Answer ok(JsonNode body) {
            return new Answer(200, body, Map.of());
        }

        static Answer error(int status, String message) {
            return new Answer(status, errorBody(status, message, null), Map.of());
        }

        /** The JSON of every error the query API answers. */
        static ObjectNode errorBody(int status, String message, String parameter) {
            ObjectNode body = Json.mapper().createObjectNode().put("error", message).put("status", status);
            if (parameter != null) {
                body.put("parameter", parameter);
            }
            return body;
        }
    }

    /** Where a question about one key was answered. */
    sealed interface Routed {
    }

    /** Answered from this instance's stores; {@code stale} when from a standby copy. */
    record Here(Answer answer, boolean stale) implements Routed {
    }

    /** Answered by another instance, to be relayed as it came. */
    record Relayed(PeerClient.Reply reply) implements Routed {
    }

    /** Parts gathered from partitions, and whether any came from a standby. */
    record Gathered<T>(List<T> parts, boolean stale) {
    }

    /** An instance of the application, what it holds, and its Kafka Streams state as it says (or UNREACHABLE). */
    record Member(InstanceMembership membership, boolean self, String state) {
    }

    private final Cluster cluster;
    private final PeerClient peers;
    private final MeterRegistry meters;
    /** When each unreachable instance was last reported, so an outage is logged every few seconds, not per request. */
    private final Map<Instance, Long> unreachableReported = new ConcurrentHashMap<>();

    QueryRouter(Cluster cluster, PeerClient peers, MeterRegistry meters) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.peers = Objects.requireNonNull(peers, "peers");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    /** Answers a question about one key: here if this instance holds it, else by the instance that does. */
    Routed keyed(Request request, String store, String key, Function<PartitionRead, Answer> answer) {
        if (request.internal()) {
            List<Integer> partitions = request.partitions().orElseThrow();
            if (partitions.size() != 1) {
                throw new BadRequestException(PARTITIONS_HEADER, PARTITIONS_HEADER + " must name one partition for a key");
            }
            return new Here(answer.apply(new PartitionRead(partitions.get(0), request.acceptStale())), request.acceptStale());
        }
        PartitionOwners owners = cluster.ownersOf(store, key);
        for (Instance candidate : candidates(owners)) {
            boolean stale = !owners.active().equals(Optional.of(candidate));
            if (candidate.equals(cluster.self())) {
                return new Here(answer.apply(new PartitionRead(owners.partition(), stale)), stale);
            }
            Optional<PeerClient.Reply> reply = peers.get(candidate, request.pathAndQuery(),
                    internalHeaders(List.of(owners.partition()), stale)).join();
            forwarded(stale, reply.isPresent());
            if (reply.isPresent()) {
                if (refusedThisInstance(reply.get())) {
                    throw peerFailure(candidate, reply.get());
                }
                return new Relayed(reply.get());
            }
            warnUnreachable(candidate, (stale ? "a standby" : "the active owner") + " of partition " + owners.partition()
                    + "; trying the next copy");
        }
        throw new NotQueryableException("partition " + owners.partition() + ", which holds '" + key + "', cannot be read: "
                + describe(owners) + "; retry after the group rebalances");
    }

    /**
     * Gathers one part per instance from every partition: this instance's own partitions read here,
     * the others' asked for in parallel. A partition whose active owner is unreachable is asked of
     * its standbys in turn (this instance's own standby first).
     */
    <T> Gathered<T> gather(Request request, Function<List<PartitionRead>, T> localPart,
                           Function<PeerClient.Reply, T> remotePart) {
        return gather(request, null, localPart, remotePart);
    }

    /**
     * As {@link #gather(Request, Function, Function)}, over the partitions of {@code store} ({@link Cluster#owners(String)}):
     * a store fed in a subtopology of its own has owners of its own.
     *
     * @param store null for the stores of the raw topic
     */
    <T> Gathered<T> gather(Request request, String store, Function<List<PartitionRead>, T> localPart,
                           Function<PeerClient.Reply, T> remotePart) {
        if (request.internal()) {
            boolean stale = request.acceptStale();
            List<PartitionRead> reads = request.partitions().orElseThrow().stream().map(p -> new PartitionRead(p, stale)).toList();
            return new Gathered<>(List.of(localPart.apply(reads)), stale);
        }
        Map<Integer, Deque<Instance>> pending = new TreeMap<>();
        Map<Integer, PartitionOwners> owned = new TreeMap<>();
        for (PartitionOwners owners : store == null ? cluster.owners() : cluster.owners(store)) {
            pending.put(owners.partition(), new ArrayDeque<>(candidates(owners)));
            owned.put(owners.partition(), owners);
        }
        List<T> parts = new ArrayList<>();
        boolean stale = false;
        while (!pending.isEmpty()) {
            // one request per instance and kind of copy: an instance may be active for some partitions, standby for others
            Map<Ask, List<Integer>> asks = new LinkedHashMap<>();
            for (Map.Entry<Integer, Deque<Instance>> entry : pending.entrySet()) {
                Instance candidate = entry.getValue().peekFirst();
                if (candidate == null) {
                    throw new NotQueryableException("partition " + entry.getKey() + " cannot be read: "
                            + describe(owned.get(entry.getKey())) + "; retry after the group rebalances");
                }
                asks.computeIfAbsent(new Ask(candidate, !owned.get(entry.getKey()).active().equals(Optional.of(candidate))),
                        k -> new ArrayList<>()).add(entry.getKey());
            }
            Map<Ask, CompletableFuture<Optional<PeerClient.Reply>>> replies = new LinkedHashMap<>();
            asks.forEach((ask, partitions) -> {
                if (!ask.target().equals(cluster.self())) {
                    replies.put(ask, peers.get(ask.target(), request.pathAndQuery(), internalHeaders(partitions, ask.fromStandby())));
                }
            });
            for (Map.Entry<Ask, List<Integer>> entry : asks.entrySet()) {
                Ask ask = entry.getKey();
                List<Integer> partitions = entry.getValue();
                if (ask.target().equals(cluster.self())) {
                    parts.add(localPart.apply(partitions.stream().map(p -> new PartitionRead(p, ask.fromStandby())).toList()));
                    stale |= ask.fromStandby();
                    partitions.forEach(pending::remove);
                    continue;
                }
                Optional<PeerClient.Reply> reply = replies.get(ask).join();
                forwarded(ask.fromStandby(), reply.isPresent());
                if (reply.isEmpty()) {
                    warnUnreachable(ask.target(), "asking other copies of partitions " + partitions);
                    partitions.forEach(p -> pending.get(p).removeFirst());
                    continue;
                }
                if (reply.get().status() != 200) {
                    throw peerFailure(ask.target(), reply.get());
                }
                parts.add(remotePart.apply(reply.get()));
                stale |= ask.fromStandby() || reply.get().header(STALE_HEADER).isPresent();
                partitions.forEach(pending::remove);
            }
        }
        return new Gathered<>(parts, stale);
    }

    /** Every instance of the application, each other instance asked for its state in parallel. */
    List<Member> members() {
        List<InstanceMembership> members = cluster.members();
        Map<Instance, CompletableFuture<Optional<PeerClient.Reply>>> states = new LinkedHashMap<>();
        for (InstanceMembership m : members) {
            if (!m.instance().equals(cluster.self())) {
                states.put(m.instance(), peers.get(m.instance(), "/health/ready", Map.of()));
            }
        }
        List<Member> answer = new ArrayList<>(members.size());
        for (InstanceMembership m : members) {
            boolean self = m.instance().equals(cluster.self());
            answer.add(new Member(m, self, self ? cluster.state() : remoteState(states.get(m.instance()))));
        }
        return answer;
    }

    /** One request of a gathering round: an instance, asked for its active or its standby copies. */
    private record Ask(Instance target, boolean fromStandby) {
    }

    /** The active owner first, then the standbys, this instance's own standby before the others. */
    private List<Instance> candidates(PartitionOwners owners) {
        List<Instance> candidates = new ArrayList<>();
        owners.active().ifPresent(candidates::add);
        if (owners.standbys().contains(cluster.self()) && !candidates.contains(cluster.self())) {
            candidates.add(cluster.self());
        }
        owners.standbys().stream().filter(s -> !candidates.contains(s)).forEach(candidates::add);
        return candidates;
    }

    /** Why no copy of a partition could answer. */
    private static String describe(PartitionOwners owners) {
        String standbys = owners.standbys().isEmpty() ? "it has no standby" : "so are its standbys " + owners.standbys();
        return owners.active()
                .map(active -> "its active owner " + active + " is unreachable and " + standbys)
                .orElse("it has no active owner right now (the group is rebalancing) and its standbys "
                        + owners.standbys() + " are unreachable");
    }

    private static Map<String, String> internalHeaders(List<Integer> partitions, boolean stale) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(PARTITIONS_HEADER, String.join(",", partitions.stream().map(String::valueOf).toList()));
        if (stale) {
            headers.put(ACCEPT_STALE_HEADER, "true");
        }
        return headers;
    }

    /**
     * Why a part of a gathered answer failed, for the caller to throw: a 503 from another instance
     * travels back as a 503 (it cannot answer for its partitions right now), any other error as 502.
     */
    private static RuntimeException peerFailure(Instance peer, PeerClient.Reply reply) {
        if (refusedThisInstance(reply)) {
            // the client was let in here, so the other instance holds another token (or none and serves loopback only)
            return new PeerFailureException(502, "instance " + peer + " refused this instance's request (" + reply.status()
                    + "): every instance of the application must be configured with the same query token (--query-token)");
        }
        String message = Optional.ofNullable(reply.json().path("error").textValue()).orElse("status " + reply.status());
        if (reply.status() == 503) {
            return new NotQueryableException("instance " + peer + " cannot answer for its partitions: " + message);
        }
        return new PeerFailureException(502, "instance " + peer + " answered " + reply.status() + ": " + message);
    }

    /** Another instance did not accept this one's credential: relaying its 401 would blame the client's token. */
    private static boolean refusedThisInstance(PeerClient.Reply reply) {
        return reply.status() == 401 || reply.status() == 403;
    }

    private static String remoteState(CompletableFuture<Optional<PeerClient.Reply>> reply) {
        return reply.join()
                .map(r -> r.json().path("streams").asText("UNKNOWN"))
                .orElse("UNREACHABLE");
    }

    private void warnUnreachable(Instance instance, String consequence) {
        long now = System.nanoTime();
        Long last = unreachableReported.get(instance);
        if (last == null || now - last > UNREACHABLE_LOG_INTERVAL.toNanos()) {
            unreachableReported.put(instance, now);
            log.atWarn().addKeyValue(LogFields.PEER, instance.toString())
                    .log("instance {} is unreachable ({}); reported again in {} s at the earliest, counted in "
                            + "fleetstream_query_forwarded_total", instance, consequence, UNREACHABLE_LOG_INTERVAL.toSeconds());
        }
    }

    private void forwarded(boolean toStandby, boolean answered) {
        Counter.builder("fleetstream.query.forwarded")
                .description("requests forwarded to another instance, by copy asked and outcome")
                .tag("copy", toStandby ? "standby" : "active")
                .tag("outcome", answered ? "answered" : "unreachable")
                .register(meters)
                .increment();
    }
}
