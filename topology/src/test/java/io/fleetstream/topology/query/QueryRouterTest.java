package io.fleetstream.topology.query;

import io.fleetstream.schemas.json.Json;
import io.fleetstream.topology.query.QueryRouter.Gathered;
import io.fleetstream.topology.query.QueryRouter.Here;
import io.fleetstream.topology.query.QueryRouter.Member;
import io.fleetstream.topology.query.QueryRouter.Relayed;
import io.fleetstream.topology.query.QueryRouter.Request;
import io.fleetstream.topology.query.QueryRouter.Routed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Routing without HTTP: owner lookup, forwarding, gathering, the standby fallback, the loop guard
 * and failures of other instances, over an in-memory {@link Cluster} and {@link PeerClient}.
 * {@link QueryRoutingTest} covers the same paths over real HTTP between two servers.
 */
class QueryRouterTest {

    private static final Instance SELF = new Instance("self", 8090);
    private static final Instance B = new Instance("b", 8090);
    private static final Instance C = new Instance("c", 8090);
    private static final String STORE = "device-state";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Owners cluster = new Owners();
    private final Peers peers = new Peers();
    private final QueryRouter router = new QueryRouter(cluster, peers, meters);
    /** Every read this instance made of its own stores. */
    private final List<PartitionRead> readHere = new CopyOnWriteArrayList<>();

    private QueryRouter.Answer answerHere(PartitionRead read) {
        readHere.add(read);
        return QueryRouter.Answer.ok(Json.mapper().createObjectNode().put("partition", read.partition()));
    }

    private String partHere(List<PartitionRead> reads) {
        readHere.addAll(reads);
        return "here " + reads;
    }

    private static String partThere(PeerClient.Reply reply) {
        return new String(reply.body(), StandardCharsets.UTF_8);
    }

    private double forwarded(String copy, String outcome) {
        var counter = meters.find("fleetstream.query.forwarded").tag("copy", copy).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    // ---- one key

    @Test
    void aKeyThisInstanceOwnsIsAnsweredHereWithoutAskingAnyone() {
        cluster.partition(0, SELF, B);

        Routed routed = router.keyed(Request.fromClient("/v1/devices/7"), STORE, "7", this::answerHere);

        assertThat(routed).isEqualTo(new Here(QueryRouter.Answer.ok(Json.mapper().createObjectNode().put("partition", 0)), false));
        assertThat(readHere).containsExactly(new PartitionRead(0, false));
        assertThat(peers.asked).isEmpty();
    }

    @Test
    void aKeyOwnedByAnotherInstanceIsForwardedForItsPartitionAndItsAnswerRelayedAsItCame() {
        cluster.partition(1, B, SELF);
        PeerClient.Reply notFound = reply(404, "{\"error\":\"no device\",\"status\":404}");
        peers.answers(B, ask -> notFound);

        Routed routed = router.keyed(Request.fromClient("/v1/devices/7?x=1"), STORE, "7", this::answerHere);

        assertThat(routed).isEqualTo(new Relayed(notFound));
        assertThat(peers.asked).containsExactly(new Ask(B, "/v1/devices/7?x=1", Map.of(QueryRouter.PARTITIONS_HEADER, "1")));
        assertThat(readHere).isEmpty();
        assertThat(forwarded("active", "answered")).isEqualTo(1);
    }

    @Test
    void whenTheActiveOwnerIsUnreachableAStandbyIsAskedForItsCopyAndTheAnswerIsStale() {
        cluster.partition(1, B, C);
        peers.unreachable(B);
        peers.answers(C, ask -> reply(200, "{}"));

        Routed routed = router.keyed(Request.fromClient("/v1/devices/7"), STORE, "7", this::answerHere);

        assertThat(routed).isInstanceOf(Relayed.class);
        assertThat(peers.asked).extracting(Ask::target).containsExactly(B, C);
        assertThat(peers.asked.get(1).headers()).containsEntry(QueryRouter.PARTITIONS_HEADER, "1")
                .containsEntry(QueryRouter.ACCEPT_STALE_HEADER, "true");
        assertThat(forwarded("active", "unreachable")).isEqualTo(1);
        assertThat(forwarded("standby", "answered")).isEqualTo(1);
    }

    @Test
    void thisInstancesOwnStandbyIsReadBeforeOtherStandbysAreAsked() {
        cluster.partition(1, B, C, SELF);
        peers.unreachable(B);

        Routed routed = router.keyed(Request.fromClient("/v1/devices/7"), STORE, "7", this::answerHere);

        assertThat(routed).isInstanceOf(Here.class);
        assertThat(((Here) routed).stale()).isTrue();
        assertThat(readHere).containsExactly(new PartitionRead(1, true));
        assertThat(peers.asked).extracting(Ask::target).containsExactly(B);
    }

    @Test
    void whenNoCopyOfTheKeysPartitionAnswersTheQuestionIsNotQueryableAndSaysWhy() {
        cluster.partition(1, B, C);
        peers.unreachable(B, C);

        assertThatThrownBy(() -> router.keyed(Request.fromClient("/v1/devices/7"), STORE, "7", this::answerHere))
                .isInstanceOf(NotQueryableException.class)
                .hasMessageContaining("partition 1")
                .hasMessageContaining("its active owner b:8090 is unreachable and so are its standbys [c:8090]");
    }

    @Test
    void aQuestionFromAnotherInstanceIsAnsweredFromTheNamedPartitionHereAndNeverForwardedAgain() {
        cluster.partition(1, B); // this instance's metadata says B: the asker's view wins, nobody is asked

        Routed routed = router.keyed(new Request("/v1/devices/7", Optional.of(List.of(1)), true), STORE, "7", this::answerHere);

        assertThat(routed).isInstanceOf(Here.class);
        assertThat(((Here) routed).stale()).isTrue();
        assertThat(readHere).containsExactly(new PartitionRead(1, true));
        assertThat(peers.asked).isEmpty();
    }

    @Test
    void aQuestionAboutAKeyNamingSeveralPartitionsIsRefused() {
        assertThatThrownBy(() -> router.keyed(new Request("/v1/devices/7", Optional.of(List.of(0, 1)), false), STORE, "7",
                this::answerHere))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("must name one partition");
    }

    @Test
    void theRoutingHeadersOfARequestAreReadAndBadPartitionNumbersRefused() {
        Map<String, String> headers = Map.of(QueryRouter.PARTITIONS_HEADER, "1, 3", QueryRouter.ACCEPT_STALE_HEADER, "TRUE");

        Request request = Request.of("/v1/fleet/summary", "", headers::get);
        assertThat(request).isEqualTo(new Request("/v1/fleet/summary", Optional.of(List.of(1, 3)), true));
        assertThat(Request.of("/v1/devices", "limit=5", name -> null)).isEqualTo(Request.fromClient("/v1/devices?limit=5"));
        assertThatThrownBy(() -> Request.of("/v1/devices", null, Map.of(QueryRouter.PARTITIONS_HEADER, "x")::get))
                .isInstanceOf(BadRequestException.class);
    }

    // ---- the whole fleet

    @Test
    void gatheringReadsThisInstancesPartitionsHereAndAsksEveryOtherInstanceOnceForAllOfItsOwn() {
        cluster.partition(0, SELF, B).partition(1, B, SELF).partition(2, SELF, B).partition(3, B, SELF);
        peers.answers(B, ask -> reply(200, "from b"));

        Gathered<String> gathered = router.gather(Request.fromClient("/v1/fleet/summary"), this::partHere, QueryRouterTest::partThere);

        assertThat(gathered.parts()).containsExactlyInAnyOrder("here [" + new PartitionRead(0, false) + ", "
                + new PartitionRead(2, false) + "]", "from b");
        assertThat(gathered.stale()).isFalse();
        assertThat(peers.asked).containsExactly(new Ask(B, "/v1/fleet/summary", Map.of(QueryRouter.PARTITIONS_HEADER, "1,3")));
    }

    @Test
    void theUnreachableOwnersPartitionsAreGatheredFromTheirStandbysAndTheAnswerIsStale() {
        cluster.partition(0, SELF, B).partition(1, B, C).partition(2, SELF).partition(3, B, SELF);
        peers.unreachable(B);
        peers.answers(C, ask -> reply(200, "from c"));

        Gathered<String> gathered = router.gather(Request.fromClient("/v1/fleet/summary"), this::partHere, QueryRouterTest::partThere);

        assertThat(gathered.stale()).isTrue();
        assertThat(readHere).containsExactlyInAnyOrder(new PartitionRead(0, false), new PartitionRead(2, false),
                new PartitionRead(3, true));
        assertThat(gathered.parts()).hasSize(3).contains("from c");
        assertThat(peers.asked).contains(new Ask(C, "/v1/fleet/summary",
                Map.of(QueryRouter.PARTITIONS_HEADER, "1", QueryRouter.ACCEPT_STALE_HEADER, "true")));
    }

    @Test
    void aPartThatAnotherInstanceSaysIsStaleMakesTheGatheredAnswerStale() {
        cluster.partition(0, SELF).partition(1, B);
        peers.answers(B, ask -> new PeerClient.Reply(200, Map.of(QueryRouter.STALE_HEADER, List.of("true")), new byte[0]));

        assertThat(router.gather(Request.fromClient("/v1/devices"), this::partHere, QueryRouterTest::partThere).stale()).isTrue();
    }

    @Test
    void whenNoCopyOfSomePartitionAnswersTheGatheredQuestionIsNotQueryable() {
        cluster.partition(0, SELF).partition(1, B, C);
        peers.unreachable(B, C);

        assertThatThrownBy(() -> router.gather(Request.fromClient("/v1/devices"), this::partHere, QueryRouterTest::partThere))
                .isInstanceOf(NotQueryableException.class)
                .hasMessageContaining("partition 1 cannot be read");
    }

    @Test
    void anotherInstanceThatCannotAnswerForItsPartitionsMakesTheGatheredAnswerNotQueryable() {
        cluster.partition(0, SELF).partition(1, B);
        peers.answers(B, ask -> reply(503, "{\"error\":\"restoring\",\"status\":503}"));

        assertThatThrownBy(() -> router.gather(Request.fromClient("/v1/devices"), this::partHere, QueryRouterTest::partThere))
                .isInstanceOf(NotQueryableException.class)
                .hasMessage("instance b:8090 cannot answer for its partitions: restoring");
    }

    @Test
    void anyOtherErrorOfAnotherInstanceIsABadGateway() {
        cluster.partition(0, SELF).partition(1, B);
        peers.answers(B, ask -> reply(500, "{\"error\":\"boom\",\"status\":500}"));

        assertThatThrownBy(() -> router.gather(Request.fromClient("/v1/devices"), this::partHere, QueryRouterTest::partThere))
                .isInstanceOfSatisfying(PeerFailureException.class, e -> assertThat(e.status()).isEqualTo(502))
                .hasMessage("instance b:8090 answered 500: boom");

        peers.answers(B, ask -> reply(500, "<html>"));
        assertThatThrownBy(() -> router.gather(Request.fromClient("/v1/devices"), this::partHere, QueryRouterTest::partThere))
                .isInstanceOfSatisfying(PeerFailureException.class, e -> assertThat(e.status()).isEqualTo(502))
                .hasMessageContaining("not JSON");
    }

    @Test
    void aGatheringQuestionFromAnotherInstanceReadsExactlyTheNamedPartitionsHere() {
        cluster.partition(0, B).partition(1, B).partition(2, B).partition(3, B);

        Gathered<String> gathered = router.gather(new Request("/v1/devices", Optional.of(List.of(1, 3)), false),
                this::partHere, QueryRouterTest::partThere);

        assertThat(gathered.stale()).isFalse();
        assertThat(readHere).containsExactly(new PartitionRead(1, false), new PartitionRead(3, false));
        assertThat(peers.asked).isEmpty();
    }

    // ---- members

    @Test
    void membersSayTheirOwnStateAndAnUnreachableOneIsSaidToBe() {
        cluster.partition(0, SELF, B).partition(1, B, SELF).partition(2, C);
        peers.answers(B, ask -> reply(503, "{\"status\":\"DOWN\",\"streams\":\"REBALANCING\"}"));
        peers.unreachable(C);

        List<Member> members = router.members();

        assertThat(members).extracting(m -> m.membership().instance() + " " + m.self() + " " + m.state())
                .containsExactlyInAnyOrder("self:8090 true RUNNING", "b:8090 false REBALANCING", "c:8090 false UNREACHABLE");
        assertThat(peers.asked).extracting(Ask::path).containsOnly("/health/ready");
    }

    // ---- the seams

    private static PeerClient.Reply reply(int status, String body) {
        return new PeerClient.Reply(status, Map.of("Content-Type", List.of("application/json")), body.getBytes(StandardCharsets.UTF_8));
    }

    record Ask(Instance target, String path, Map<String, String> headers) {
    }

    /** Other instances in memory: each answers with a function of the request, or is unreachable. */
    static final class Peers implements PeerClient {
        final List<Ask> asked = new CopyOnWriteArrayList<>();
        private final Map<Instance, Function<Ask, Reply>> answers = new HashMap<>();

        void answers(Instance instance, Function<Ask, Reply> answer) {
            answers.put(instance, answer);
        }

        void unreachable(Instance... instances) {
            for (Instance i : instances) {
                answers.remove(i);
            }
        }

        @Override
        public CompletableFuture<Optional<Reply>> get(Instance target, String pathAndQuery, Map<String, String> headers) {
            Ask ask = new Ask(target, pathAndQuery, Map.copyOf(headers));
            asked.add(ask);
            return CompletableFuture.completedFuture(Optional.ofNullable(answers.get(target)).map(a -> a.apply(ask)));
        }
    }

    /** An assignment the test sets; every key lives on the highest partition set. */
    static final class Owners implements Cluster {
        private final Map<Integer, PartitionOwners> partitions = new TreeMap<>();

        /** Partition {@code p} with its active owner and its standbys. */
        Owners partition(int p, Instance active, Instance... standbys) {
            partitions.put(p, new PartitionOwners(p, active, List.of(standbys)));
            return this;
        }

        @Override
        public Instance self() {
            return SELF;
        }

        @Override
        public String state() {
            return "RUNNING";
        }

        @Override
        public boolean running() {
            return true;
        }

        @Override
        public PartitionOwners ownersOf(String store, String key) {
            return partitions.values().stream().reduce((a, b) -> b).orElseThrow();
        }

        @Override
        public List<PartitionOwners> owners() {
            return List.copyOf(partitions.values());
        }

        @Override
        public List<InstanceMembership> members() {
            Set<Instance> instances = new HashSet<>();
            partitions.values().forEach(o -> {
                o.active().ifPresent(instances::add);
                instances.addAll(o.standbys());
            });
            List<InstanceMembership> members = new ArrayList<>();
            for (Instance i : instances) {
                TreeSet<Integer> active = new TreeSet<>();
                TreeSet<Integer> standby = new TreeSet<>();
                partitions.values().forEach(o -> {
                    if (o.active().equals(Optional.of(i))) {
                        active.add(o.partition());
                    }
                    if (o.standbys().contains(i)) {
                        standby.add(o.partition());
                    }
                });
                members.add(new InstanceMembership(i, active, standby));
            }
            return members;
        }
    }
}
